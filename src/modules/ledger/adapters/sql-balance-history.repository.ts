import type { SqlClient } from '../../../infra/db/database';
import type { BalanceHistoryRepository, EntryPosition, StatementEntry } from '../balance-history.repository';

interface StatementRow {
  id: string;
  transfer_id: string;
  type: string;
  amount: bigint;
  balance_after: bigint;
  counterparty_wallet_id: string;
  description: string | null;
  created_at: Date;
  seq: bigint;
}

/**
 * Read backwards from the instant on (wallet_id, created_at, seq) INCLUDE (balance_after): the first
 * row is the answer, an index-only probe. Exported for the test that checks the plan.
 */
export const BALANCE_BEFORE_SQL = `SELECT balance_after FROM transactions
  WHERE wallet_id = $1 AND created_at < $2
  ORDER BY created_at DESC, seq DESC
  LIMIT 1`;

export class SqlBalanceHistoryRepository implements BalanceHistoryRepository {
  constructor(private readonly db: SqlClient) {}

  async balanceBefore(walletId: string, instant: Date): Promise<bigint> {
    const { rows } = await this.db.query<{ balance_after: bigint }>(BALANCE_BEFORE_SQL, [walletId, instant]);
    return rows[0]?.balance_after ?? 0n;
  }

  async positionOf(walletId: string, entryId: string): Promise<EntryPosition | null> {
    const { rows } = await this.db.query<{ created_at: Date; seq: bigint }>(
      'SELECT created_at, seq FROM transactions WHERE id = $1 AND wallet_id = $2',
      [entryId, walletId],
    );
    const row = rows[0];
    return row ? { createdAt: row.created_at, seq: row.seq } : null;
  }

  async entriesBetween(walletId: string, from: Date, to: Date, limit: number, after?: EntryPosition): Promise<StatementEntry[]> {
    const { rows } = await this.db.query<StatementRow>(
      `SELECT e.id, e.transfer_id, t.type, e.amount, e.balance_after, e.counterparty_wallet_id, t.description, e.created_at, e.seq
         FROM transactions e
         JOIN transfers t ON t.id = e.transfer_id
        WHERE e.wallet_id = $1 AND e.created_at >= $2 AND e.created_at < $3
          AND ($4::timestamptz IS NULL OR (e.created_at, e.seq) > ($4::timestamptz, $5::bigint))
        ORDER BY e.created_at, e.seq
        LIMIT $6`,
      [walletId, from, to, after?.createdAt ?? null, after?.seq.toString() ?? null, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      transferId: r.transfer_id,
      type: r.type,
      amount: r.amount,
      balanceAfter: r.balance_after,
      counterpartyWalletId: r.counterparty_wallet_id,
      description: r.description,
      createdAt: r.created_at,
      seq: r.seq,
    }));
  }
}
