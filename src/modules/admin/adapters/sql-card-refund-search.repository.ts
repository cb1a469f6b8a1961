import { sqlOf, type SqlClient } from '../../../infra/db/database';
import type { Transaction } from '../../../shared/transaction';
import type { Cursor } from '../../../shared/pagination';
import type { CardRefundRecord, CardRefundSearchRepository, CardRefundStatus } from '../card-refunds/card-refund-desk';

interface Row {
  id: string;
  refund_transfer_id: string;
  original_transfer_id: string;
  charge_id: string;
  processor: string;
  amount: bigint;
  currency: string;
  status: CardRefundStatus;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
}

// processor_charge_id and processor_refund_id stay out: operators find a refund by our ids.
const SELECT = `SELECT r.id, r.refund_transfer_id, t.refund_of AS original_transfer_id, r.charge_id, r.processor, r.amount,
       r.currency, r.status, r.attempts, r.last_error, r.created_at, r.updated_at
  FROM card_refunds r JOIN transfers t ON t.id = r.refund_transfer_id`;

const toRecord = (r: Row): CardRefundRecord => ({
  id: r.id,
  refundTransferId: r.refund_transfer_id,
  originalTransferId: r.original_transfer_id,
  chargeId: r.charge_id,
  processor: r.processor,
  amount: BigInt(r.amount),
  currency: r.currency,
  status: r.status,
  attempts: r.attempts,
  lastError: r.last_error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class SqlCardRefundSearchRepository implements CardRefundSearchRepository {
  constructor(private readonly db: SqlClient) {}

  async list(status: CardRefundStatus | undefined, limit: number, after?: Cursor): Promise<CardRefundRecord[]> {
    const { rows } = await this.db.query<Row>(
      `${SELECT}
        WHERE ($1::text IS NULL OR r.status = $1)
          AND ($2::timestamptz IS NULL OR (r.created_at, r.id) < ($2::timestamptz, $3::text))
        ORDER BY r.created_at DESC, r.id DESC LIMIT $4`,
      [status ?? null, after?.createdAt ?? null, after?.id ?? null, limit + 1],
    );
    return rows.map(toRecord);
  }

  async find(id: string, client?: Transaction): Promise<CardRefundRecord | null> {
    const { rows } = await sqlOf(client, this.db).query<Row>(`${SELECT} WHERE r.id = $1`, [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }
}
