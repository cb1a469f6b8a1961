import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '../infra/logger';
import type { Metrics } from '../infra/metrics';

/**
 * The route template ("/api/v1/wallets/:id"), never the raw URL, so labels stay bounded.
 * Express restores req.baseUrl when an error leaves a router, so by 'finish' an API error would read
 * "/wallets/:id": routes record their full template in res.locals.routeTemplate while it is right.
 */
function routeTemplate(req: Request, res: Response): string {
  if (typeof res.locals.routeTemplate === 'string') return res.locals.routeTemplate;
  const route = req.route as { path?: unknown } | undefined;
  return typeof route?.path === 'string' ? `${req.baseUrl}${route.path}` : 'unmatched';
}

/** One log line and one metric sample per request, written when the response is finished. */
export function observeRequests(logger: Logger, metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeTemplate(req, res);
      const labels = { method: req.method, route, status: String(res.statusCode) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, seconds);
      // Checked first: the line's fields (the client address among them) are not free to build.
      if (!logger.isInfoEnabled()) return;
      logger.info('request', {
        method: req.method,
        route,
        path: req.originalUrl.split('?')[0],
        status: res.statusCode,
        durationMs: Math.round(seconds * 1e4) / 10,
        requestId: res.locals.requestId as string | undefined,
        subject: req.principal?.sub,
        ip: req.ip,
      });
    });
    next();
  };
}
