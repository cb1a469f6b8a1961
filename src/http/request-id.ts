import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { requestContext } from '../infra/request-context';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** Takes a well-formed X-Request-Id (or makes one), echoes it, and opens the request's log context. */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const id = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const traceparent = req.get('traceparent');
    res.locals.requestId = id;
    res.setHeader('X-Request-Id', id);
    const context = { requestId: id, ...(traceparent && TRACEPARENT.test(traceparent) ? { traceparent } : {}) };
    requestContext.run(context, () => next());
  };
}
