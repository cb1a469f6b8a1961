import { sqlOf, type SqlClient } from '../../../infra/db/database';
import type { Transaction } from '../../../shared/transaction';
import { groupedStatement } from '../../../infra/db/grouped-statement';
import type { IdempotencyRepository, StoredReply } from '../idempotency.repository';

interface Lookup {
  scope: string;
  key: string;
}

export class SqlIdempotencyRepository implements IdempotencyRepository {
  /**
   * Every idempotent request looks its key up first: the lookups asked at the same time go to the
   * database together, one query and one round trip for many.
   */
  private readonly findGrouped = groupedStatement((lookups: Lookup[]) => this.findMany(lookups));

  constructor(private readonly db: SqlClient) {}

  find(scope: string, key: string): Promise<StoredReply | null> {
    return this.findGrouped({ scope, key });
  }

  private async findMany(lookups: Lookup[]): Promise<Array<StoredReply | null>> {
    const { rows } = await this.db.query<{ i: number; request_hash: string; response_status: number; response_body: string }>(
      `SELECT k.i::int AS i, r.request_hash, r.response_status, r.response_body
         FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(scope, key, i)
         JOIN idempotency_keys r ON r.scope = k.scope AND r.key = k.key
        WHERE r.expires_at > now()`,
      [lookups.map((l) => l.scope), lookups.map((l) => l.key)],
      { prepare: false },
    );
    const found = new Array<StoredReply | null>(lookups.length).fill(null);
    for (const row of rows) found[row.i - 1] = { requestHash: row.request_hash, status: row.response_status, body: row.response_body };
    return found;
  }

  async save(tx: Transaction, scope: string, key: string, reply: StoredReply, expiresAt: Date): Promise<boolean> {
    const { rowCount } = await sqlOf(tx).query(
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
