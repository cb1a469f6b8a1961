import { randomUUID } from 'node:crypto';
import type { Cache } from '../../infra/cache/cache';
import type { Transaction } from '../../shared/transaction';
import { Conflict, Unprocessable } from '../../shared/errors';
import type { IdempotencyRepository, StoredReply } from './idempotency.repository';

export interface IdempotencyOptions {
  /** How long a key and its reply are kept (at least 24 h). */
  keyTtlMs: number;
  /**
   * How long the in-flight marker lives without a renewal. The process running the request renews
   * it every third of this, so a live request of any length keeps its key, and a crashed one (no
   * more renewals) frees it for the client's retry after at most this long.
   */
  leaseMs: number;
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
    /** Written into the marker, so only this claim renews or removes it. */
    readonly leaseToken: string,
  ) {}

  /** Errors: idempotency_in_flight (409) if another request stored a reply under the key first. */
  async persist(tx: Transaction, reply: ReplyToStore): Promise<void> {
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
  /** Renewal timers of the leases this process holds, by marker key. */
  private readonly renewals = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly repo: IdempotencyRepository,
    private readonly cache: Cache,
    private readonly options: IdempotencyOptions,
  ) {}

  /** Leases this process holds and renews (one per request in flight), for the `ocp_idempotency_leases` gauge. */
  get leasesHeld(): number {
    return this.renewals.size;
  }

  /**
   * The reply stored for an earlier identical request, or null when none is stored (yet).
   * Asked before the payment rate limit, so a replay neither spends quota nor is refused by it.
   * Errors: idempotency_conflict (422) when the key was used with another request.
   */
  async storedReply(scope: string, key: string, requestHash: string): Promise<StoredReply | null> {
    const stored = await this.repo.find(scope, key);
    return stored ? this.matching(stored, requestHash) : null;
  }

  /**
   * A claim to run the request, after storedReply found nothing.
   * Errors: idempotency_in_flight (409) while another request with the key is running (its lease
   * is renewed), or for at most `leaseMs` after the process running it died.
   */
  async claim(scope: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
    // If the first request commits between the lookup and this marker, the unique key still
    // stops a second movement: persist() finds the key taken and the request ends in a 409.
    // The marker is only the fast answer for a retry that overlaps; the key is the guarantee, so a
    // lapsed lease (a process stalled past leaseMs) can never move money twice.
    const claim = new IdempotencyClaim(this, scope, key, requestHash, randomUUID());
    if (!(await this.cache.setIfAbsent(this.lockKey(claim), claim.leaseToken, this.options.leaseMs))) throw inFlight();
    this.renewEvery(claim, Math.max(1, Math.floor(this.options.leaseMs / 3)));
    return claim;
  }

  save(tx: Transaction, claim: IdempotencyClaim, reply: ReplyToStore): Promise<boolean> {
    const expiresAt = new Date(Date.now() + this.options.keyTtlMs);
    return this.repo.save(tx, claim.scope, claim.key, { requestHash: claim.requestHash, ...reply }, expiresAt);
  }

  async release(claim: IdempotencyClaim): Promise<void> {
    const lockKey = this.lockKey(claim);
    this.stopRenewing(lockKey);
    // Only our own marker: after a lapsed lease another request may hold the key now.
    await this.cache.deleteIfEquals(lockKey, claim.leaseToken);
  }

  /**
   * Stops renewing every lease this process holds without removing them, which is what a crash
   * does: they lapse within leaseMs. Called on shutdown once requests are drained or cut.
   */
  stopRenewals(): void {
    for (const lockKey of [...this.renewals.keys()]) this.stopRenewing(lockKey);
  }

  /** One batch of the purge of expired keys; true when more may be waiting. */
  async purgeExpired(batchSize = 5_000): Promise<boolean> {
    return (await this.repo.deleteExpired(new Date(), batchSize)) === batchSize;
  }

  private renewEvery(claim: IdempotencyClaim, intervalMs: number): void {
    const lockKey = this.lockKey(claim);
    const timer = setInterval(() => {
      void this.renew(lockKey, claim.leaseToken).catch(() => {
        // A cache hiccup: the next tick tries again; if the lease lapses meanwhile, the unique
        // key in the database still keeps a retry from moving money twice.
      });
    }, intervalMs);
    timer.unref();
    this.renewals.set(lockKey, timer);
  }

  /**
   * One step, like release: read-then-write would let a renewal that read the marker just before
   * the release deleted it write it back, keeping the key blocked for a whole lease after the request.
   */
  private async renew(lockKey: string, leaseToken: string): Promise<void> {
    if (!(await this.cache.extendIfEquals(lockKey, leaseToken, this.options.leaseMs))) this.stopRenewing(lockKey);
  }

  private stopRenewing(lockKey: string): void {
    clearInterval(this.renewals.get(lockKey));
    this.renewals.delete(lockKey);
  }

  private matching(stored: StoredReply, requestHash: string): StoredReply {
    if (stored.requestHash !== requestHash) {
      throw new Unprocessable('idempotency_conflict', 'This Idempotency-Key was already used with a different request');
    }
    return stored;
  }

  private lockKey(claim: { scope: string; key: string }): string {
    return `idem:${claim.scope}:${claim.key}`;
  }
}
