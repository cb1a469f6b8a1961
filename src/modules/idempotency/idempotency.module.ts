import { Gauge } from 'prom-client';
import type { Cache } from '../../infra/cache/cache';
import type { Database } from '../../infra/db/database';
import type { Metrics } from '../../infra/metrics';
import { SqlIdempotencyRepository } from './adapters/sql-idempotency.repository';
import { IdempotencyService, type IdempotencyOptions } from './idempotency.service';

/** Idempotency keys on the SQL adapter, with their in-flight leases in the cache. */
export function createIdempotencyService(db: Database, cache: Cache, options: IdempotencyOptions, metrics: Metrics): IdempotencyService {
  const service = new IdempotencyService(new SqlIdempotencyRepository(db), cache, options);
  // The only per-process state of idempotency is the renewal timer of each lease held: it must
  // return to zero when requests stop, or timers (and the requests they hold) are leaking.
  new Gauge({
    name: 'ocp_idempotency_leases',
    help: 'Idempotency leases this instance holds and renews (requests in flight under a key)',
    registers: [metrics.registry],
    collect() {
      this.set(service.leasesHeld);
    },
  });
  return service;
}
