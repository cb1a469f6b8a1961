import type { SqlClient } from '../../../infra/db/database';
import type { IdempotencyRepository, StoredReply } from '../idempotency.repository';

export class SqlIdempotencyRepository implements IdempotencyRepository {
  constructor(private readonly db: SqlClient) {}

  async find(scope: string, key: string): Promise<StoredReply | null> {
    const { rows } = await this.db.query<{ request_hash: string; response_status: number; response_body: string }>(
      `SELECT request_hash, response_status, response_body FROM idempotency_keys
        WHERE scope = $1 AND key = $2 AND expires_at > now()`,
      [scope, key],
    );
    const row = rows[0];
    return row ? { requestHash: row.request_hash, status: row.response_status, body: row.response_body } : null;
  }

  async save(tx: SqlClient, scope: string, key: string, reply: StoredReply, expiresAt: Date): Promise<boolean> {
    const { rowCount } = await tx.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash, response_status, response_body, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (scope, key) DO UPDATE SET
         request_hash = EXCLUDED.request_hash, response_status = EXCLUDED.response_status,
         response_body = EXCLUDED.response_body, created_at = now(), expires_at = EXCLUDED.expires_at
       WHERE idempotency_keys.expires_at <= now()`,
      [scope, key, reply.requestHash, reply.status, reply.body, expiresAt],
    );
    return rowCount > 0;
  }

  async deleteExpired(now: Date, limit: number): Promise<number> {
    // By row address from a bounded index scan on expires_at: a batch, not the whole backlog in
    // one statement, and no second lookup through the primary key.
    const { rowCount } = await this.db.query(
      `DELETE FROM idempotency_keys
        WHERE ctid = ANY (ARRAY(SELECT ctid FROM idempotency_keys WHERE expires_at <= $1 LIMIT $2))`,
      [now, limit],
    );
    return rowCount;
  }
}
