import { sqlOf, type SqlClient } from '../../../infra/db/database';
import type { Transaction } from '../../../shared/transaction';
import type { PaymentRequestRecord, PaymentRequestRecords } from '../../../protocols/a2a/ports';

interface RequestRow {
  id: string;
  payee_agent_id: string;
  amount: bigint | string;
  currency: string;
  memo: string | null;
  status: 'open' | 'paid';
  expires_at: Date;
  created_at: Date;
  paid_at: Date | null;
  payer_agent_id: string | null;
  payment_id: string | null;
}

const toRecord = (r: RequestRow): PaymentRequestRecord => ({
  id: r.id,
  payeeAgentId: r.payee_agent_id,
  amount: BigInt(r.amount),
  currency: r.currency,
  memo: r.memo,
  status: r.status,
  expiresAt: r.expires_at,
  createdAt: r.created_at,
  paidAt: r.paid_at,
  payerAgentId: r.payer_agent_id,
  paymentId: r.payment_id,
});

/** The PostgreSQL adapter; PGlite runs the same SQL. */
export class SqlPaymentRequestRepository implements PaymentRequestRecords {
  constructor(private readonly db: SqlClient) {}

  async insert(r: Pick<PaymentRequestRecord, 'id' | 'payeeAgentId' | 'amount' | 'currency' | 'memo' | 'expiresAt'>) {
    const { rows } = await this.db.query<RequestRow>(
      `INSERT INTO a2a_payment_requests (id, payee_agent_id, amount, currency, memo, status, expires_at)
       VALUES ($1, $2, $3, $4, $5, 'open', $6) RETURNING *`,
      [r.id, r.payeeAgentId, r.amount, r.currency, r.memo, r.expiresAt],
    );
    return toRecord(rows[0]!);
  }

  async find(id: string) {
    const { rows } = await this.db.query<RequestRow>('SELECT * FROM a2a_payment_requests WHERE id = $1', [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async markPaid(tx: Transaction, id: string, paid: { payerAgentId: string; paymentId: string; at: Date }) {
    const { rows } = await sqlOf(tx).query(
      `UPDATE a2a_payment_requests SET status = 'paid', paid_at = $2, payer_agent_id = $3, payment_id = $4
        WHERE id = $1 AND status = 'open' AND expires_at > $2 RETURNING id`,
      [id, paid.at, paid.payerAgentId, paid.paymentId],
    );
    return rows.length === 1;
  }
}
