import type { Cache } from '../../infra/cache/cache';
import type { Database } from '../../infra/db/database';
import { SqlIdempotencyRepository } from './adapters/sql-idempotency.repository';
import { IdempotencyService, type IdempotencyOptions } from './idempotency.service';

/** Idempotency keys on the SQL adapter, with their in-flight leases in the cache. */
export function createIdempotencyService(db: Database, cache: Cache, options: IdempotencyOptions): IdempotencyService {
  return new IdempotencyService(new SqlIdempotencyRepository(db), cache, options);
}
