import type { SqlClient } from '../../../infra/db/database';
import type { HistoryEntry } from '../insights/insights';
import type { InsightsHistory } from '../insights/insights.service';

// The wallet's entries on transactions_wallet_created_idx, with the transfer's category and the
// counterparty (a system account's shards read as one counterparty: "system:<type>").
export class SqlInsightsHistory implements InsightsHistory {
  constructor(private readonly db: SqlClient) {}

  async entries(walletId: string, since: Date, limit: number): Promise<HistoryEntry[]> {
    const { rows } = await this.db.query<{ amount: bigint; counterparty: string; category: string | null; created_at: Date }>(
      `SELECT t.amount,
              CASE WHEN cw.user_id IS NULL THEN 'system:' || tr.type ELSE t.counterparty_wallet_id END AS counterparty,
              CASE WHEN jsonb_typeof(tr.metadata -> 'category') = 'string' THEN tr.metadata ->> 'category' END AS category,
              t.created_at
         FROM transactions t
         JOIN transfers tr ON tr.id = t.transfer_id
         JOIN wallets cw ON cw.id = t.counterparty_wallet_id
        WHERE t.wallet_id = $1 AND t.created_at > $2
        ORDER BY t.created_at DESC, t.id DESC
        LIMIT $3`,
      [walletId, since, limit],
    );
    return rows.map((r) => ({
      amount: BigInt(r.amount),
      counterparty: r.counterparty,
      category: r.category ?? 'uncategorised',
      at: r.created_at,
    }));
  }
}
