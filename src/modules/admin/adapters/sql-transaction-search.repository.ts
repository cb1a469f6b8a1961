import type { SqlClient } from '../../../infra/db/database';
import type { Cursor } from '../../../shared/pagination';
import type { Transfer, TransferStatus } from '../../ledger/ledger.repository';
import type { TransactionFilter, TransactionSearchRepository } from '../monitoring/transaction-search';

interface Row {
  id: string; type: string; status: TransferStatus; amount: bigint; currency: string; from_wallet_id: string; to_wallet_id: string;
  refund_of: string | null; refunded_amount: bigint; description: string | null; initiated_by: string;
  metadata: Record<string, unknown>; created_at: Date;
}

export class SqlTransactionSearchRepository implements TransactionSearchRepository {
  constructor(private readonly db: SqlClient) {}

  async search(f: TransactionFilter, limit: number, after?: Cursor): Promise<Transfer[]> {
    const { rows } = await this.db.query<Row>(
      `SELECT id, type, status, amount, currency, from_wallet_id, to_wallet_id, refund_of, refunded_amount, description,
              initiated_by, metadata, created_at
         FROM transfers t
        WHERE ($1::text IS NULL OR status = $1)
          AND ($2::text IS NULL OR type = $2)
          AND ($3::text IS NULL OR currency = $3)
          AND ($4::bigint IS NULL OR amount >= $4)
          AND ($5::bigint IS NULL OR amount <= $5)
          AND ($6::text IS NULL OR from_wallet_id = $6 OR to_wallet_id = $6)
          AND ($7::text IS NULL OR from_wallet_id IN (SELECT id FROM wallets WHERE user_id = $7)
                                OR to_wallet_id IN (SELECT id FROM wallets WHERE user_id = $7))
          AND ($8::text IS NULL OR initiated_by = $8)
          AND ($9::timestamptz IS NULL OR created_at >= $9)
          AND ($10::timestamptz IS NULL OR created_at < $10)
          AND ($11::timestamptz IS NULL OR (created_at, id) < ($11::timestamptz, $12::text))
        ORDER BY created_at DESC, id DESC LIMIT $13`,
      [f.status ?? null, f.type ?? null, f.currency ?? null, f.minAmount ?? null, f.maxAmount ?? null, f.walletId ?? null,
        f.customerId ?? null, f.initiatedBy ?? null, f.from ?? null, f.to ?? null, after?.createdAt ?? null, after?.id ?? null, limit + 1],
    );
    return rows.map((r) => ({
      id: r.id, type: r.type, status: r.status, amount: r.amount, currency: r.currency, fromWalletId: r.from_wallet_id,
      toWalletId: r.to_wallet_id, refundOf: r.refund_of, refundedAmount: r.refunded_amount, description: r.description,
      initiatedBy: r.initiated_by, metadata: r.metadata, createdAt: r.created_at,
    }));
  }
}
