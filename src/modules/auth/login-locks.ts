import type { Cache } from '../../infra/cache/cache';
import type { Logger } from '../../infra/logger';
import { inSystemScope } from '../../infra/tenant-scope';
import { Unauthorized } from '../../shared/errors';

/** Where locks are recorded (users.locked_at): asked when the cache cannot answer, and at start-up. */
export interface LockRecords {
  isLocked(userId: string): Promise<boolean>;
  /** The users locked within the last `withinMs`. */
  lockedWithin(withinMs: number): Promise<string[]>;
}

/**
 * Which logins are locked, asked on every authenticated request. The truth is users.locked_at;
 * a marker in the cache answers cheaply. A marker only has to outlive the access tokens issued
 * before the lock (a locked user gets no new ones), so it expires after the access-token TTL.
 * When the cache fails, the database answers.
 */
export class LoginLocks {
  constructor(
    private readonly cache: Cache,
    private readonly records: LockRecords,
    private readonly markerTtlMs: number,
    private readonly logger: Logger,
  ) {}

  async isLocked(userId: string): Promise<boolean> {
    try {
      return (await this.cache.get(this.key(userId))) !== null;
    } catch (error) {
      this.logger.warn('login-lock cache unavailable; asking the database', { error });
      return this.records.isLocked(userId);
    }
  }

  /**
   * The record itself, for minting a token for someone acting for `userId` (their agents and
   * merchant API clients): the marker outlives only the tokens issued before the lock, so it cannot
   * say whether a new one may be issued.
   */
  isLockedOnRecord(userId: string): Promise<boolean> {
    return inSystemScope(() => this.records.isLocked(userId));
  }

  /** Call after the lock is committed. */
  async markLocked(userId: string): Promise<void> {
    await this.cache.set(this.key(userId), '1', this.markerTtlMs);
  }

  async clear(userId: string): Promise<void> {
    await this.cache.delete(this.key(userId));
  }

  /**
   * At start-up (an in-memory cache starts empty) and after a cache recovery: markers for locks recent
   * enough to matter, of every tenant (user ids are unique everywhere; outside a request a read
   * would see the default tenant's alone).
   */
  async warm(): Promise<void> {
    for (const id of await inSystemScope(() => this.records.lockedWithin(this.markerTtlMs))) await this.markLocked(id);
  }

  private key(userId: string): string {
    return `auth:locked:${userId}`;
  }
}

/** The refusal for a locked login: at sign-in, at refresh and on every token check. */
export function accountLocked(): Unauthorized {
  return new Unauthorized('This account is locked; contact support', 'account_locked');
}
