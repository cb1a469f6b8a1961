import type { Request, RequestHandler } from 'express';
import type { Logger } from '../infra/logger';
import type { Metrics } from '../infra/metrics';

/** The route template ("/api/v1/wallets/:id"), never the raw URL, so labels stay bounded. */
function routeTemplate(req: Request): string {
  const route = req.route as { path?: unknown } | undefined;
  return typeof route?.path === 'string' ? `${req.baseUrl}${route.path}` : 'unmatched';
}

/** One log line and one metric sample per request, written when the response is finished. */
export function observeRequests(logger: Logger, metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeTemplate(req);
      const labels = { method: req.method, route, status: String(res.statusCode) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, seconds);
      logger.info('request', {
        method: req.method,
        route,
        path: req.originalUrl.split('?')[0],
        status: res.statusCode,
        durationMs: Math.round(seconds * 1e4) / 10,
        requestId: res.locals.requestId,
        subject: req.principal?.sub,
        ip: req.ip,
      });
    });
    next();
  };
}
