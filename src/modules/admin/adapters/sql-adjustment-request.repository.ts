import { sqlOf, type SqlClient } from '../../../infra/db/database';
import type { Transaction } from '../../../shared/transaction';
import type { Cursor } from '../../../shared/pagination';
import type {
  AdjustmentDecision,
  AdjustmentRequest,
  AdjustmentRequestRepository,
  AdjustmentRequestStatus,
  NewAdjustmentRequest,
} from '../adjustments/adjustment-request.repository';

interface Row {
  id: string;
  wallet_id: string;
  amount: bigint;
  currency: string;
  reason: string;
  status: AdjustmentRequestStatus;
  requested_by: string;
  decided_by: string | null;
  decision_reason: string | null;
  adjustment_transfer_id: string | null;
  created_at: Date;
  decided_at: Date | null;
}

const toRequest = (r: Row): AdjustmentRequest => ({
  id: r.id,
  walletId: r.wallet_id,
  amount: BigInt(r.amount),
  currency: r.currency,
  reason: r.reason,
  status: r.status,
  requestedBy: r.requested_by,
  decidedBy: r.decided_by,
  decisionReason: r.decision_reason,
  adjustmentTransferId: r.adjustment_transfer_id,
  createdAt: r.created_at,
  decidedAt: r.decided_at,
});

export class SqlAdjustmentRequestRepository implements AdjustmentRequestRepository {
  constructor(private readonly db: SqlClient) {}

  async insert(tx: Transaction, n: NewAdjustmentRequest): Promise<AdjustmentRequest | null> {
    const { rows } = await sqlOf(tx).query<Row>(
      `INSERT INTO adjustment_requests (id, wallet_id, amount, currency, reason, requested_by)
       SELECT $1, w.id, $3, w.currency, $4, $5 FROM wallets w WHERE w.id = $2 AND w.kind = 'user'
       RETURNING *`,
      [n.id, n.walletId, n.amount.toString(), n.reason, n.requestedBy],
    );
    return rows[0] ? toRequest(rows[0]) : null;
  }

  async find(id: string): Promise<AdjustmentRequest | null> {
    const { rows } = await this.db.query<Row>('SELECT * FROM adjustment_requests WHERE id = $1', [id]);
    return rows[0] ? toRequest(rows[0]) : null;
  }

  async lockPending(tx: Transaction, id: string): Promise<AdjustmentRequest | null> {
    // A waiter re-checks the WHERE after the holder commits: a decided row is no longer returned.
    const { rows } = await sqlOf(tx).query<Row>(`SELECT * FROM adjustment_requests WHERE id = $1 AND status = 'pending' FOR UPDATE`, [id]);
    return rows[0] ? toRequest(rows[0]) : null;
  }

  async decide(tx: Transaction, id: string, d: AdjustmentDecision): Promise<AdjustmentRequest> {
    const { rows } = await sqlOf(tx).query<Row>(
      `UPDATE adjustment_requests SET status = $2, decided_by = $3, decision_reason = $4, adjustment_transfer_id = $5, decided_at = now()
        WHERE id = $1 AND status = 'pending' RETURNING *`,
      [
        id,
        d.status,
        d.decidedBy,
        d.status === 'rejected' ? d.decisionReason : null,
        d.status === 'approved' ? d.adjustmentTransferId : null,
      ],
    );
    if (!rows[0]) throw new Error(`adjustment request ${id} was not pending under its lock`);
    return toRequest(rows[0]);
  }

  async list(status: AdjustmentRequestStatus | undefined, limit: number, after?: Cursor): Promise<AdjustmentRequest[]> {
    const { rows } = await this.db.query<Row>(
      `SELECT * FROM adjustment_requests
        WHERE ($1::text IS NULL OR status = $1)
          AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::text))
        ORDER BY created_at DESC, id DESC LIMIT $4`,
      [status ?? null, after?.createdAt ?? null, after?.id ?? null, limit + 1],
    );
    return rows.map(toRequest);
  }
}
