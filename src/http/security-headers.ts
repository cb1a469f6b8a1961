import type { Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/**
 * helmet()'s headers, worked out once. With its defaults they are the same for every response (no
 * directive depends on the request), and building them again per request through its dozen
 * middleware functions cost a balance read a few percent of its CPU. helmet stays the source of the
 * values: they are recorded from it at start-up, so an upgrade's new defaults come along.
 */
export function securityHeaders(): RequestHandler {
  const headers: Array<[string, string]> = [];
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => headers.push([name, String(value)]),
    removeHeader: () => undefined,
    getHeader: () => undefined,
  };
  let ran = false;
  helmet()({ headers: {} } as Request, recorder as unknown as Response, () => (ran = true));
  if (!ran) throw new Error('helmet() did not answer synchronously: its headers cannot be recorded once');
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}
