import { DEFAULT_TENANT_ID } from '../../../shared/tenant-settings';
import { sqlOf, type SqlClient } from '../../../infra/db/database';
import type { Transaction } from '../../../shared/transaction';
import type { Cursor } from '../../../shared/pagination';
import { metadataCondition } from '../../../infra/db/metadata-filter';
import {
  type HistoryFilter,
  type LedgerEntry,
  type LedgerRepository,
  type PostingOutcome,
  type PostTransferCommand,
  type RefusalCode,
  type TransferStatus,
} from '../ledger.repository';

const REFUSALS = new Set<RefusalCode>([
  'wallet_not_found',
  'currency_mismatch',
  'wallet_not_active',
  'insufficient_funds',
  'amount_out_of_range',
]);

interface EntryRow {
  id: string;
  transfer_id: string;
  wallet_id: string;
  wallet_user_id: string | null;
  amount: bigint;
  balance_after: bigint;
  currency: string;
  counterparty_wallet_id: string;
  created_at: Date;
  t_type: string;
  t_status: TransferStatus;
  t_amount: bigint;
  t_from: string;
  t_to: string;
  t_refund_of: string | null;
  t_refunded_amount: bigint;
  t_description: string | null;
  t_initiated_by: string;
  t_metadata: Record<string, unknown>;
}

const ENTRY_SELECT = `
  SELECT e.id, e.transfer_id, e.wallet_id, w.user_id AS wallet_user_id, e.amount, e.balance_after,
         e.currency, e.counterparty_wallet_id, e.created_at,
         t.type AS t_type, t.status AS t_status, t.amount AS t_amount, t.from_wallet_id AS t_from,
         t.to_wallet_id AS t_to, t.refund_of AS t_refund_of, t.refunded_amount AS t_refunded_amount,
         t.description AS t_description, t.initiated_by AS t_initiated_by, t.metadata AS t_metadata
    FROM transactions e
    JOIN transfers t ON t.id = e.transfer_id
    JOIN wallets w ON w.id = e.wallet_id`;

const toEntry = (r: EntryRow): LedgerEntry => ({
  id: r.id,
  transferId: r.transfer_id,
  walletId: r.wallet_id,
  walletUserId: r.wallet_user_id,
  amount: r.amount,
  balanceAfter: r.balance_after,
  currency: r.currency,
  counterpartyWalletId: r.counterparty_wallet_id,
  createdAt: r.created_at,
  transfer: {
    id: r.transfer_id,
    type: r.t_type,
    status: r.t_status,
    amount: r.t_amount,
    currency: r.currency,
    fromWalletId: r.t_from,
    toWalletId: r.t_to,
    refundOf: r.t_refund_of,
    refundedAmount: r.t_refunded_amount,
    description: r.t_description,
    initiatedBy: r.t_initiated_by,
    metadata: r.t_metadata,
    createdAt: r.created_at,
  },
});

export class SqlLedgerRepository implements LedgerRepository {
  /** `history` serves listEntries, which may lag (a read replica); everything else reads its own writes on `db`. */
  constructor(
    private readonly db: SqlClient,
    private readonly history: SqlClient = db,
  ) {}

  async postTransfers(tx: Transaction, commands: readonly PostTransferCommand[]): Promise<PostingOutcome[]> {
    const column = <V>(pick: (c: PostTransferCommand) => V) => commands.map(pick);
    const { rows } = await sqlOf(tx).query<{ refusal: string | null; debit_balance: bigint; credit_balance: bigint; posted_at: Date }>(
      'SELECT * FROM ocp_post_transfers($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)',
      [
        column((c) => c.transferId),
        column((c) => c.type),
        column((c) => c.fromWalletId),
        column((c) => c.toWalletId),
        column((c) => c.amount.toString()),
        column((c) => c.currency),
        column((c) => c.debitEntryId),
        column((c) => c.creditEntryId),
        column((c) => c.description),
        column((c) => c.initiatedBy),
        column((c) => c.refundOf),
        column((c) => JSON.stringify(c.metadata)),
      ],
    );
    return rows.map((row) => {
      if (row.refusal === null) return { debitBalance: row.debit_balance, creditBalance: row.credit_balance, postedAt: row.posted_at };
      if (!REFUSALS.has(row.refusal as RefusalCode)) throw new Error(`unknown posting refusal ${row.refusal}`);
      return { refusal: row.refusal as RefusalCode };
    });
  }

  async reserveRefund(tx: Transaction, originalTransferId: string, amount: bigint): Promise<boolean> {
    const { rowCount } = await sqlOf(tx).query(
      `UPDATE transfers SET refunded_amount = refunded_amount + $2,
              status = CASE WHEN refunded_amount + $2 = amount THEN 'reversed' ELSE status END,
              updated_at = now()
        WHERE id = $1 AND status = 'completed' AND refunded_amount + $2 <= amount`,
      [originalTransferId, amount],
    );
    return rowCount > 0;
  }

  async ensureSystemAccounts(code: string, currency: string, shards: number, tenantId: string): Promise<string[]> {
    // The default tenant's keep the ids they had before tenants existed.
    const suffix = tenantId === DEFAULT_TENANT_ID ? '' : `_${tenantId}`;
    const ids = Array.from({ length: shards }, (_, i) => `sys_${code}_${currency}_${i}${suffix}`);
    await this.db.query(
      `INSERT INTO wallets (id, kind, currency, label)
       SELECT id, 'system', $2, $3 FROM unnest($1::text[]) AS id
       ON CONFLICT (id) DO NOTHING`,
      [ids, currency, `system:${code}`],
    );
    return ids;
  }

  async lowestBalance(accountIds: readonly string[]): Promise<bigint> {
    const { rows } = await this.db.query<{ lowest: bigint | null }>(
      'SELECT min(balance) AS lowest FROM wallets WHERE id = ANY($1::text[])',
      [accountIds],
    );
    const lowest = rows[0]?.lowest ?? null;
    return lowest === null ? 0n : BigInt(lowest);
  }

  async findEntry(id: string): Promise<LedgerEntry | null> {
    const { rows } = await this.db.query<EntryRow>(`${ENTRY_SELECT} WHERE e.id = $1`, [id]);
    return rows[0] ? toEntry(rows[0]) : null;
  }

  async listEntries(walletId: string, f: HistoryFilter, limit: number, after?: Cursor): Promise<LedgerEntry[]> {
    const params: unknown[] = [
      walletId,
      f.type ?? null,
      f.status ?? null,
      f.from ?? null,
      f.to ?? null,
      // No cursor is a cursor past every entry ('infinity' sorts after any instant), so the condition
      // below is always the one row comparison, which the (wallet_id, created_at DESC, id DESC) index
      // answers as a range. Written as "$6 IS NULL OR …" it could not be: a generic plan of the
      // prepared statement then filtered the wallet's entries one by one down to the cursor
      // (EXPLAIN: 467 ms for a page 900,000 entries deep, against 0.3 ms as a range).
      after?.createdAt ?? 'infinity',
      after?.id ?? '',
      limit + 1,
    ];
    const matching = metadataCondition('t.metadata', f.metadata, params);
    const { rows } = await this.history.query<EntryRow>(
      `${ENTRY_SELECT}
        WHERE e.wallet_id = $1
          AND ($2::text IS NULL OR t.type = $2)
          AND ($3::text IS NULL OR t.status = $3)
          AND ($4::timestamptz IS NULL OR e.created_at >= $4)
          AND ($5::timestamptz IS NULL OR e.created_at < $5)
          AND (e.created_at, e.id) < ($6::timestamptz, $7::text)
          AND ${matching}
        ORDER BY e.created_at DESC, e.id DESC
        LIMIT $8`,
      params,
      // The wallet's own entries, newest first, stay the way in; the filter only narrows them.
      { prepare: f.metadata === undefined },
    );
    return rows.map(toEntry);
  }

  async listLatestEntries(walletIds: readonly string[], limit: number): Promise<LedgerEntry[]> {
    if (walletIds.length === 0) return [];
    // One index range per wallet (wallet_id, created_at DESC, id DESC), as listEntries reads one.
    const { rows } = await this.history.query<EntryRow>(
      `SELECT x.* FROM unnest($1::text[]) AS ids(wallet_id)
        CROSS JOIN LATERAL (${ENTRY_SELECT}
          WHERE e.wallet_id = ids.wallet_id
          ORDER BY e.created_at DESC, e.id DESC
          LIMIT $2) x`,
      [[...walletIds], limit],
    );
    return rows.map(toEntry);
  }
}
