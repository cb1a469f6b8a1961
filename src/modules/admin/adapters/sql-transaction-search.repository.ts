import type { SqlClient } from '../../../infra/db/database';
import type { Cursor } from '../../../shared/pagination';
import type { Transfer, TransferStatus } from '../../ledger';
import type { TransactionFilter, TransactionSearchRepository } from '../monitoring/transaction-search';

interface Row {
  id: string;
  type: string;
  status: TransferStatus;
  amount: bigint;
  currency: string;
  from_wallet_id: string;
  to_wallet_id: string;
  refund_of: string | null;
  refunded_amount: bigint;
  description: string | null;
  initiated_by: string;
  metadata: Record<string, unknown>;
  created_at: Date;
}

export class SqlTransactionSearchRepository implements TransactionSearchRepository {
  constructor(private readonly db: SqlClient) {}

  async search(f: TransactionFilter, limit: number, after?: Cursor): Promise<Transfer[]> {
    // Only the filters given become conditions (values stay parameters): with "$n IS NULL OR ..."
    // a prepared statement's generic plan could not use the wallet and initiator indexes.
    const params: unknown[] = [];
    const where: string[] = [];
    const p = (value: unknown) => `$${params.push(value)}`;
    if (f.status) where.push(`status = ${p(f.status)}`);
    if (f.type) where.push(`type = ${p(f.type)}`);
    if (f.currency) where.push(`currency = ${p(f.currency)}`);
    if (f.minAmount !== undefined) where.push(`amount >= ${p(f.minAmount)}`);
    if (f.maxAmount !== undefined) where.push(`amount <= ${p(f.maxAmount)}`);
    if (f.walletId) {
      const w = p(f.walletId);
      where.push(
        `id IN (SELECT id FROM transfers WHERE from_wallet_id = ${w} UNION ALL SELECT id FROM transfers WHERE to_wallet_id = ${w})`,
      );
    }
    if (f.customerId) {
      const c = p(f.customerId);
      where.push(`id IN (SELECT t2.id FROM wallets w JOIN transfers t2 ON t2.from_wallet_id = w.id WHERE w.user_id = ${c}
                         UNION ALL SELECT t2.id FROM wallets w JOIN transfers t2 ON t2.to_wallet_id = w.id WHERE w.user_id = ${c})`);
    }
    if (f.initiatedBy) where.push(`initiated_by = ${p(f.initiatedBy)}`);
    if (f.from) where.push(`created_at >= ${p(f.from)}`);
    if (f.to) where.push(`created_at < ${p(f.to)}`);
    if (after) where.push(`(created_at, id) < (${p(after.createdAt)}::timestamptz, ${p(after.id)}::text)`);
    const { rows } = await this.db.query<Row>(
      `SELECT id, type, status, amount, currency, from_wallet_id, to_wallet_id, refund_of, refunded_amount, description,
              initiated_by, metadata, created_at
         FROM transfers
        ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY created_at DESC, id DESC LIMIT ${p(limit + 1)}`,
      params,
    );
    return rows.map((r) => ({
      id: r.id,
      type: r.type,
      status: r.status,
      amount: r.amount,
      currency: r.currency,
      fromWalletId: r.from_wallet_id,
      toWalletId: r.to_wallet_id,
      refundOf: r.refund_of,
      refundedAmount: r.refunded_amount,
      description: r.description,
      initiatedBy: r.initiated_by,
      metadata: r.metadata,
      createdAt: r.created_at,
    }));
  }
}
