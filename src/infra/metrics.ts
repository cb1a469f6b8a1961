import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { isDegradable, type Cache } from './cache/cache';

/**
 * One registry per app instance, so tests can build many apps in one process. processMetrics: prom-client's
 * default metrics, whose event-loop monitor and GC observer it never stops, so each app that registers
 * them keeps a timer and itself alive until the process exits.
 */
export function createMetrics({ processMetrics }: { processMetrics: boolean }) {
  const registry = new Registry();
  if (processMetrics) collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests by method, route template and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by method, route template and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** `ocp_cache_degraded`: 1 while this instance runs on its in-process cache because Redis is unreachable. */
export function registerCacheMetrics(metrics: Metrics, cache: Cache): void {
  new Gauge({
    name: 'ocp_cache_degraded',
    help: '1 while Redis is unreachable and this instance uses its in-process cache (rate limits per instance), else 0',
    registers: [metrics.registry],
    collect() {
      this.set(isDegradable(cache) && cache.degraded ? 1 : 0);
    },
  });
}
