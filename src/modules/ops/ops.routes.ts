import { createHash, timingSafeEqual } from 'node:crypto';
import { inSystemScope } from '../../infra/tenant-scope';
import type { Express, Request } from 'express';
import { isDegradable, type Cache } from '../../infra/cache/cache';
import type { Database } from '../../infra/db/database';
import type { Metrics } from '../../infra/metrics';
import type { ErrorCode } from '../../shared/error-catalogue';

export interface ReadinessDeps {
  db: Database;
  /** A read replica, when one is configured: its loss is "degraded", reads then go to the primary. */
  replica?: { ping(timeoutMs?: number): Promise<void> };
  /** Only checked when it is a shared server (Redis); the in-memory cache is always there. */
  sharedCache?: Cache;
  metrics: Metrics;
  /**
   * Who may read /metrics: `open` (development, tests), `off` (production without METRICS_TOKEN: 404,
   * as if there were no such route), or a token that must come as `Authorization: Bearer <token>`.
   */
  metricsAccess?: { mode: 'open' } | { mode: 'off' } | { mode: 'token'; token: string };
}

/**
 * Liveness, readiness and Prometheus metrics: outside /api/v1 and outside the rate limits. Routes of
 * the app itself, not a router mounted for every path, which every API request would enter, walk
 * and leave again.
 */
export function opsRoutes(app: Express, { db, replica, sharedCache, metrics, metricsAccess = { mode: 'open' } }: ReadinessDeps): void {
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // A Redis outage with the in-process fallback (FallbackCache) is 200 "degraded", not 503: every
  // instance loses the same Redis at once, so a 503 would take them all out of the load balancer
  // and turn a cache outage into a full one, while they can still serve (rate limits per
  // instance). The database is the truth for money: without it, 503.
  app.get('/ready', async (_req, res) => {
    const database = await check(() => db.ping());
    // Unreachable replica: "degraded", not 503. Its reads fall back to the primary (ReplicaReads).
    const readReplica = replica ? ((await check(() => replica.ping())) === 'ok' ? 'ok' : 'degraded') : undefined;
    const cache = sharedCache ? cacheCheck(sharedCache, await check(() => sharedCache.ping())) : undefined;
    const checks = { database, ...(readReplica ? { readReplica } : {}), ...(cache ? { cache } : {}) };
    const ready = database === 'ok' && cache !== 'unreachable';
    const degraded = cache === 'degraded' || readReplica === 'degraded';
    const status = !ready ? 'unavailable' : degraded ? 'degraded' : 'ready';
    res.status(ready ? 200 : 503).json({ status, checks });
  });

  app.get('/metrics', async (req, res, next) => {
    if (metricsAccess.mode === 'off') return next(); // the 404 of an unknown route
    if (metricsAccess.mode === 'token' && !bearerMatches(req, metricsAccess.token)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      res.status(401).json({
        error: {
          code: 'unauthorized' satisfies ErrorCode,
          message: 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>',
          requestId: res.locals.requestId as string,
        },
      });
      return;
    }
    res.setHeader('Content-Type', metrics.registry.contentType);
    // The gauges read at scrape time count across every tenant (queues, the last recovery drill).
    res.send(await inSystemScope(() => metrics.registry.metrics()));
  });
}

/** "degraded" when a cache with a fallback cannot use Redis (or is still on its fallback). */
function cacheCheck(cache: Cache, ping: 'ok' | 'unreachable'): 'ok' | 'degraded' | 'unreachable' {
  if (!isDegradable(cache)) return ping;
  return ping === 'ok' && !cache.degraded ? 'ok' : 'degraded';
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
