import { createHash, timingSafeEqual } from 'node:crypto';
import { Router, type Request } from 'express';
import type { Cache } from '../../infra/cache/cache';
import type { Database } from '../../infra/db/database';
import type { Metrics } from '../../infra/metrics';

export interface ReadinessDeps {
  db: Database;
  /** Only checked when it is a shared server (Redis); the in-memory cache is always there. */
  sharedCache?: Cache;
  metrics: Metrics;
  /**
   * Who may read /metrics: `open` (development, tests), `off` (production without METRICS_TOKEN: 404,
   * as if there were no such route), or a token that must come as `Authorization: Bearer <token>`.
   */
  metricsAccess?: { mode: 'open' } | { mode: 'off' } | { mode: 'token'; token: string };
}

/** Liveness, readiness and Prometheus metrics: outside /api/v1 and outside the rate limits. */
export function opsRouter({ db, sharedCache, metrics, metricsAccess = { mode: 'open' } }: ReadinessDeps): Router {
  const router = Router();

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/ready', async (_req, res) => {
    const checks = {
      database: await check(() => db.ping()),
      ...(sharedCache ? { cache: await check(() => sharedCache.ping()) } : {}),
    };
    const ready = Object.values(checks).every((c) => c === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks });
  });

  router.get('/metrics', async (req, res, next) => {
    if (metricsAccess.mode === 'off') return next(); // the 404 of an unknown route
    if (metricsAccess.mode === 'token' && !bearerMatches(req, metricsAccess.token)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      res.status(401).json({ error: { code: 'unauthorized', message: 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>' } });
      return;
    }
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  return router;
}

/** Compares digests, so neither the length nor the content of the token leaks through timing. */
function bearerMatches(req: Request, token: string): boolean {
  const match = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '');
  if (!match?.[1]) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(match[1]), digest(token));
}

async function check(probe: () => Promise<void>): Promise<'ok' | 'unreachable'> {
  try {
    await probe();
    return 'ok';
  } catch {
    return 'unreachable';
  }
}
