import type { Cache } from '../../infra/cache/cache';
import type { SqlClient } from '../../infra/db/database';
import { Conflict, Unprocessable } from '../../shared/errors';
import type { IdempotencyRepository, StoredReply } from './idempotency.repository';

export interface IdempotencyOptions {
  /** How long a key and its reply are kept (at least 24 h). */
  keyTtlMs: number;
  /** How long the in-flight marker may outlive a crashed request. */
  inFlightTtlMs: number;
}

export interface ReplyToStore {
  status: number;
  body: string;
}

/**
 * A claim on one key for one request. `persist` runs inside the transaction of the write it
 * protects, so the key and the money move together or not at all; `release` always follows.
 */
export class IdempotencyClaim {
  constructor(
    private readonly service: IdempotencyService,
    readonly scope: string,
    readonly key: string,
    readonly requestHash: string,
  ) {}

  /** Errors: idempotency_in_flight (409) if another request stored a reply under the key first. */
  async persist(tx: SqlClient, reply: ReplyToStore): Promise<void> {
    const saved = await this.service.save(tx, this, reply);
    if (!saved) throw inFlight();
  }

  release(): Promise<void> {
    return this.service.release(this);
  }
}

function inFlight(): Conflict {
  const error = new Conflict('idempotency_in_flight', 'A request with this Idempotency-Key is still being processed');
  error.retryAfterSeconds = 1;
  return error;
}

export class IdempotencyService {
  constructor(
    private readonly repo: IdempotencyRepository,
    private readonly cache: Cache,
    private readonly options: IdempotencyOptions,
  ) {}

  /**
   * Either the reply stored for an earlier identical request, or a claim to run this one.
   * Errors: idempotency_conflict (422) when the key was used with another request;
   * idempotency_in_flight (409) while the first request with the key is still running.
   */
  async begin(scope: string, key: string, requestHash: string): Promise<{ replay: StoredReply } | { claim: IdempotencyClaim }> {
    const stored = await this.repo.find(scope, key);
    if (stored) return { replay: this.matching(stored, requestHash) };
    // If the first request commits between the lookup and this marker, the unique key still
    // stops a second movement: persist() finds the key taken and the request ends in a 409.
    if (!(await this.cache.setIfAbsent(this.lockKey(scope, key), '1', this.options.inFlightTtlMs))) throw inFlight();
    return { claim: new IdempotencyClaim(this, scope, key, requestHash) };
  }

  save(tx: SqlClient, claim: IdempotencyClaim, reply: ReplyToStore): Promise<boolean> {
    const expiresAt = new Date(Date.now() + this.options.keyTtlMs);
    return this.repo.save(tx, claim.scope, claim.key, { requestHash: claim.requestHash, ...reply }, expiresAt);
  }

  async release(claim: IdempotencyClaim): Promise<void> {
    await this.cache.delete(this.lockKey(claim.scope, claim.key));
  }

  /** One batch of the purge of expired keys; true when more may be waiting. */
  async purgeExpired(batchSize = 5_000): Promise<boolean> {
    return (await this.repo.deleteExpired(new Date(), batchSize)) === batchSize;
  }

  private matching(stored: StoredReply, requestHash: string): StoredReply {
    if (stored.requestHash !== requestHash) {
      throw new Unprocessable('idempotency_conflict', 'This Idempotency-Key was already used with a different request');
    }
    return stored;
  }

  private lockKey(scope: string, key: string): string {
    return `idem:${scope}:${key}`;
  }
}
