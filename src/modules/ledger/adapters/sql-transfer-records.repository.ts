import { sqlOf, type SqlClient } from '../../../infra/db/database';
import { metadataCondition } from '../../../infra/db/metadata-filter';
import type { Transaction } from '../../../shared/transaction';
import type { Cursor } from '../../../shared/pagination';
import type { MetadataFilter } from '../../../shared/metadata';
import type { TransferStatus } from '../ledger.repository';
import type { TransferRecord, TransferRecords } from '../transfer-records.repository';

interface TransferRow {
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
  journal_id: string | null;
  journal_leg: number | null;
  from_user_id: string | null;
  to_user_id: string | null;
}

const SELECT = `
  SELECT t.id, t.type, t.status, t.amount, t.currency, t.from_wallet_id, t.to_wallet_id, t.refund_of,
         t.refunded_amount, t.description, t.initiated_by, t.metadata, t.created_at, t.journal_id, t.journal_leg,
         fw.user_id AS from_user_id, tw.user_id AS to_user_id
    FROM transfers t
    JOIN wallets fw ON fw.id = t.from_wallet_id
    JOIN wallets tw ON tw.id = t.to_wallet_id`;

const toRecord = (r: TransferRow): TransferRecord => ({
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
  journalId: r.journal_id,
  journalLeg: r.journal_leg,
  fromUserId: r.from_user_id,
  toUserId: r.to_user_id,
});

export class SqlTransferRecords implements TransferRecords {
  /** `lists` serves listForUser, which may lag (a read replica); a journal's legs are read on `db` right after they post. */
  constructor(
    private readonly db: SqlClient,
    private readonly lists: SqlClient = db,
  ) {}

  async attachToJournal(tx: Transaction, journalId: string, transferIds: readonly string[]): Promise<void> {
    await sqlOf(tx).query(
      `UPDATE transfers t SET journal_id = $1, journal_leg = u.leg - 1
         FROM unnest($2::text[]) WITH ORDINALITY AS u(id, leg)
        WHERE t.id = u.id`,
      [journalId, transferIds],
    );
  }

  async journalLegs(journalId: string): Promise<TransferRecord[]> {
    const { rows } = await this.db.query<TransferRow>(`${SELECT} WHERE t.journal_id = $1 ORDER BY t.journal_leg`, [journalId]);
    return rows.map(toRecord);
  }

  async listForUser(userId: string, metadata: MetadataFilter, limit: number, after?: Cursor): Promise<TransferRecord[]> {
    const params: unknown[] = [userId, after?.createdAt ?? null, after?.id ?? null, limit + 1];
    const matching = metadataCondition('t.metadata', metadata, params);
    // The metadata filter is the selective condition (the GIN index finds its rows); the owner
    // check and the order then apply to those few. Planned per call, for the values at hand.
    const { rows } = await this.lists.query<TransferRow>(
      `${SELECT}
        WHERE ${matching}
          AND (fw.user_id = $1 OR tw.user_id = $1)
          AND ($2::timestamptz IS NULL OR (t.created_at, t.id) < ($2::timestamptz, $3::text))
        ORDER BY t.created_at DESC, t.id DESC
        LIMIT $4`,
      params,
      { prepare: false },
    );
    return rows.map(toRecord);
  }
}
