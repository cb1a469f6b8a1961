import { Router } from 'express';
import type { Cache } from '../../infra/cache/cache';
import type { Database } from '../../infra/db/database';
import type { Metrics } from '../../infra/metrics';

export interface ReadinessDeps {
  db: Database;
  /** Only checked when it is a shared server (Redis); the in-memory cache is always there. */
  sharedCache?: Cache;
  metrics: Metrics;
}

/** Liveness, readiness and Prometheus metrics: outside /api/v1 and outside the rate limits. */
export function opsRouter({ db, sharedCache, metrics }: ReadinessDeps): Router {
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

  router.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  return router;
}

async function check(probe: () => Promise<void>): Promise<'ok' | 'unreachable'> {
  try {
    await probe();
    return 'ok';
  } catch {
    return 'unreachable';
  }
}
