import type { SqlClient } from '../../../infra/db/database';
import type { LockRecords } from '../login-locks';
import type { RevocationRecords } from '../token-revocations';

/** users.locked_at, read when the lock markers' cache cannot answer and to refill it at start-up. */
export class SqlLockRecords implements LockRecords {
  constructor(private readonly db: SqlClient) {}

  async isLocked(userId: string): Promise<boolean> {
    const { rows } = await this.db.query('SELECT 1 FROM users WHERE id = $1 AND locked_at IS NOT NULL', [userId]);
    return rows.length > 0;
  }

  async lockedWithin(withinMs: number): Promise<string[]> {
    const { rows } = await this.db.query<{ id: string }>(
      `SELECT id FROM users WHERE locked_at IS NOT NULL AND locked_at > now() - make_interval(secs => $1)`,
      [withinMs / 1000],
    );
    return rows.map((r) => r.id);
  }
}

/** api_clients.revoked_at, read when the revocation markers' cache cannot answer and to refill it at start-up. */
export class SqlRevocationRecords implements RevocationRecords {
  constructor(private readonly db: SqlClient) {}

  async isClientRevoked(apiClientId: string): Promise<boolean> {
    const { rows } = await this.db.query('SELECT 1 FROM api_clients WHERE id = $1 AND revoked_at IS NOT NULL', [apiClientId]);
    return rows.length > 0;
  }

  async clientsRevokedWithin(withinMs: number): Promise<string[]> {
    const { rows } = await this.db.query<{ id: string }>(
      `SELECT id FROM api_clients WHERE revoked_at IS NOT NULL AND revoked_at > now() - make_interval(secs => $1)`,
      [withinMs / 1000],
    );
    return rows.map((r) => r.id);
  }
}
