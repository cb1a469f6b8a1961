import { sqlOf, type SqlClient } from '../../../infra/db/database';
import type { Transaction } from '../../../shared/transaction';
import type { Cursor } from '../../../shared/pagination';
import type { NewRefundRequest, RefundRequest, RefundRequestRepository, RefundRequestStatus } from '../refunds/refund-request.repository';

interface Row {
  id: string;
  transaction_id: string;
  transfer_id: string;
  customer_id: string | null;
  amount: bigint;
  currency: string;
  reason: string;
  status: RefundRequestStatus;
  requested_by: string;
  requested_by_role: string;
  decided_by: string | null;
  decision_reason: string | null;
  refund_transfer_id: string | null;
  created_at: Date;
  decided_at: Date | null;
}

const toRequest = (r: Row): RefundRequest => ({
  id: r.id,
  transactionId: r.transaction_id,
  transferId: r.transfer_id,
  customerId: r.customer_id,
  amount: r.amount,
  currency: r.currency,
  reason: r.reason,
  status: r.status,
  requestedBy: r.requested_by,
  requestedByRole: r.requested_by_role,
  decidedBy: r.decided_by,
  decisionReason: r.decision_reason,
  refundTransferId: r.refund_transfer_id,
  createdAt: r.created_at,
  decidedAt: r.decided_at,
});

export class SqlRefundRequestRepository implements RefundRequestRepository {
  constructor(private readonly db: SqlClient) {}

  async insert(tx: Transaction, n: NewRefundRequest): Promise<RefundRequest> {
    const { rows } = await sqlOf(tx).query<Row>(
      `INSERT INTO refund_requests (id, transaction_id, transfer_id, customer_id, amount, currency, reason, requested_by, requested_by_role)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
      [n.id, n.transactionId, n.transferId, n.customerId, n.amount, n.currency, n.reason, n.requestedBy, n.requestedByRole],
    );
    return toRequest(rows[0]!);
  }

  async find(id: string): Promise<RefundRequest | null> {
    const { rows } = await this.db.query<Row>('SELECT * FROM refund_requests WHERE id = $1', [id]);
    return rows[0] ? toRequest(rows[0]) : null;
  }

  async lockPending(tx: Transaction, id: string): Promise<RefundRequest | null> {
    // A waiter re-checks the WHERE after the holder commits: an approved row is no longer returned.
    const { rows } = await sqlOf(tx).query<Row>(`SELECT * FROM refund_requests WHERE id = $1 AND status = 'pending' FOR UPDATE`, [id]);
    return rows[0] ? toRequest(rows[0]) : null;
  }

  async cumulativeOnOriginal(tx: Transaction, transferId: string, exceptRequestId: string): Promise<bigint> {
    const { rows } = await sqlOf(tx).query<{ total: string }>(
      `SELECT ((SELECT refunded_amount FROM transfers WHERE id = $1)
             + (SELECT COALESCE(sum(amount), 0) FROM refund_requests WHERE transfer_id = $1 AND status = 'pending' AND id <> $2))::text AS total`,
      [transferId, exceptRequestId],
    );
    return BigInt(rows[0]!.total);
  }

  async decide(
    tx: Transaction,
    id: string,
    d: { status: 'approved' | 'rejected'; decidedBy: string; decisionReason: string | null; refundTransferId: string | null },
  ): Promise<RefundRequest> {
    const { rows } = await sqlOf(tx).query<Row>(
      `UPDATE refund_requests SET status = $2, decided_by = $3, decision_reason = $4, refund_transfer_id = $5, decided_at = now()
        WHERE id = $1 AND status = 'pending' RETURNING *`,
      [id, d.status, d.decidedBy, d.decisionReason, d.refundTransferId],
    );
    if (!rows[0]) throw new Error(`refund request ${id} was not pending under its lock`);
    return toRequest(rows[0]);
  }

  async list(status: RefundRequestStatus | undefined, limit: number, after?: Cursor): Promise<RefundRequest[]> {
    const { rows } = await this.db.query<Row>(
      `SELECT * FROM refund_requests
        WHERE ($1::text IS NULL OR status = $1)
          AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::text))
        ORDER BY created_at DESC, id DESC LIMIT $4`,
      [status ?? null, after?.createdAt ?? null, after?.id ?? null, limit + 1],
    );
    return rows.map(toRequest);
  }
}
