import type { Cache } from '../../infra/cache/cache';
import type { SqlClient } from '../../infra/db/database';
import type { Logger } from '../../infra/logger';

/**
 * Which logins are locked, asked on every authenticated request. The truth is users.locked_at;
 * a marker in the cache answers cheaply. A marker only has to outlive the access tokens issued
 * before the lock (a locked user gets no new ones), so it expires after the access-token TTL.
 * When the cache fails, the database answers.
 */
export class LoginLocks {
  constructor(
    private readonly cache: Cache,
    private readonly db: SqlClient,
    private readonly markerTtlMs: number,
    private readonly logger: Logger,
  ) {}

  async isLocked(userId: string): Promise<boolean> {
    try {
      return (await this.cache.get(this.key(userId))) !== null;
    } catch (error) {
      this.logger.warn('login-lock cache unavailable; asking the database', { error });
      const { rows } = await this.db.query('SELECT 1 FROM users WHERE id = $1 AND locked_at IS NOT NULL', [userId]);
      return rows.length > 0;
    }
  }

  /** Call after the lock is committed. */
  async markLocked(userId: string): Promise<void> {
    await this.cache.set(this.key(userId), '1', this.markerTtlMs);
  }

  async clear(userId: string): Promise<void> {
    await this.cache.delete(this.key(userId));
  }

  /** At start-up (an in-memory cache starts empty): markers for locks recent enough to matter. */
  async warm(): Promise<void> {
    const { rows } = await this.db.query<{ id: string }>(
      `SELECT id FROM users WHERE locked_at IS NOT NULL AND locked_at > now() - make_interval(secs => $1)`,
      [this.markerTtlMs / 1000],
    );
    for (const { id } of rows) await this.markLocked(id);
  }

  private key(userId: string): string {
    return `auth:locked:${userId}`;
  }
}
