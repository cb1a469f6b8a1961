import { sqlOf, type SqlClient } from '../../../../infra/db/database';
import type { Transaction } from '../../../../shared/transaction';
import type { CardRefund, CardRefundRepository, CardRefundStatus, NewCardRefund, ReopenedCardRefund } from '../card-refund.repository';

interface RefundRow {
  id: string;
  refund_transfer_id: string;
  charge_id: string;
  processor: string;
  processor_charge_id: string;
  amount: bigint;
  currency: string;
  status: CardRefundStatus;
  attempts: number;
  last_error: string | null;
  processor_refund_id: string | null;
  created_at: Date;
  tenant_id: string;
}

const COLUMNS = `id, refund_transfer_id, charge_id, processor, processor_charge_id, amount, currency, status, attempts,
  last_error, processor_refund_id, created_at, tenant_id`;
// The same columns, qualified: the claim's UPDATE … FROM due has an id of its own.
const R_COLUMNS = COLUMNS.split(',')
  .map((c) => `r.${c.trim()}`)
  .join(', ');
const LAST_ERROR_CHARS_MAX = 500;

const toRefund = (r: RefundRow): CardRefund => ({
  id: r.id,
  refundTransferId: r.refund_transfer_id,
  chargeId: r.charge_id,
  processor: r.processor,
  processorChargeId: r.processor_charge_id,
  amount: BigInt(r.amount),
  currency: r.currency,
  status: r.status,
  attempts: r.attempts,
  lastError: r.last_error,
  processorRefundId: r.processor_refund_id,
  createdAt: r.created_at,
  tenantId: r.tenant_id,
});

export class SqlCardRefundRepository implements CardRefundRepository {
  constructor(private readonly db: SqlClient) {}

  async insert(tx: Transaction, r: NewCardRefund): Promise<void> {
    await sqlOf(tx).query(
      `INSERT INTO card_refunds (id, refund_transfer_id, charge_id, processor, processor_charge_id, amount, currency)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [r.id, r.refundTransferId, r.chargeId, r.processor, r.processorChargeId, r.amount, r.currency],
    );
  }

  async claim(id: string, leaseMs: number): Promise<CardRefund | null> {
    const { rows } = await this.db.query<RefundRow>(
      `UPDATE card_refunds
          SET attempts = attempts + 1, next_attempt_at = now() + $2 * interval '1 millisecond', updated_at = now()
        WHERE id = $1 AND status = 'pending' AND next_attempt_at <= now()
       RETURNING ${COLUMNS}`,
      [id, leaseMs],
    );
    return rows[0] ? toRefund(rows[0]) : null;
  }

  async claimDue(limit: number, leaseMs: number): Promise<CardRefund[]> {
    // SKIP LOCKED: concurrent workers take different rows; the lease is committed at once, so no
    // lock is held while the processor is asked.
    const { rows } = await this.db.query<RefundRow>(
      `WITH due AS (
         SELECT id FROM card_refunds
          WHERE status = 'pending' AND next_attempt_at <= now()
          ORDER BY next_attempt_at
          LIMIT $1
          FOR UPDATE SKIP LOCKED
       )
       UPDATE card_refunds r
          SET attempts = r.attempts + 1, next_attempt_at = now() + $2 * interval '1 millisecond', updated_at = now()
         FROM due
        WHERE r.id = due.id
       RETURNING ${R_COLUMNS}`,
      [limit, leaseMs],
    );
    return rows.map(toRefund);
  }

  async markSucceeded(r: CardRefund, processorRefundId: string): Promise<void> {
    await this.db.query(
      `UPDATE card_refunds SET status = 'succeeded', processor_refund_id = $3, last_error = NULL, updated_at = now()
        WHERE id = $1 AND attempts = $2 AND status = 'pending'`,
      [r.id, r.attempts, processorRefundId],
    );
  }

  async scheduleRetry(r: CardRefund, delayMs: number, error: string): Promise<void> {
    await this.db.query(
      `UPDATE card_refunds SET next_attempt_at = now() + $3 * interval '1 millisecond', last_error = $4, updated_at = now()
        WHERE id = $1 AND attempts = $2 AND status = 'pending'`,
      [r.id, r.attempts, delayMs, error.slice(0, LAST_ERROR_CHARS_MAX)],
    );
  }

  async markFailed(r: CardRefund, error: string): Promise<void> {
    await this.db.query(
      `UPDATE card_refunds SET status = 'failed', last_error = $3, updated_at = now()
        WHERE id = $1 AND attempts = $2 AND status = 'pending'`,
      [r.id, r.attempts, error.slice(0, LAST_ERROR_CHARS_MAX)],
    );
  }

  async reopenFailed(tx: Transaction, id: string): Promise<ReopenedCardRefund | null> {
    // The lock makes concurrent retries queue: the first reopens, the next ones see `pending`.
    const { rows } = await sqlOf(tx).query<Pick<RefundRow, 'status' | 'attempts' | 'last_error'>>(
      'SELECT status, attempts, last_error FROM card_refunds WHERE id = $1 FOR UPDATE',
      [id],
    );
    const row = rows[0];
    if (!row) return null;
    if (row.status === 'failed') {
      await sqlOf(tx).query(
        `UPDATE card_refunds SET status = 'pending', attempts = 0, next_attempt_at = now(), last_error = NULL, updated_at = now()
          WHERE id = $1`,
        [id],
      );
    }
    return { status: row.status, attempts: row.attempts, lastError: row.last_error };
  }

  async findByProcessorRefundIds(processor: string, processorRefundIds: readonly string[]): Promise<CardRefund[]> {
    const { rows } = await this.db.query<RefundRow>(
      `SELECT ${COLUMNS} FROM card_refunds WHERE processor = $1 AND processor_refund_id = ANY($2::text[])`,
      [processor, processorRefundIds],
      { prepare: false },
    );
    return rows.map(toRefund);
  }

  async listSucceededBetween(
    processor: string,
    from: Date,
    to: Date,
    limit: number,
    after?: { createdAt: Date; id: string },
  ): Promise<CardRefund[]> {
    const { rows } = await this.db.query<RefundRow>(
      `SELECT ${COLUMNS} FROM card_refunds
        WHERE status = 'succeeded' AND processor = $1 AND created_at >= $2 AND created_at <= $3
          AND ($5::timestamptz IS NULL OR (created_at, id) > ($5::timestamptz, $6::text))
        ORDER BY created_at, id
        LIMIT $4`,
      [processor, from, to, limit, after?.createdAt ?? null, after?.id ?? null],
    );
    return rows.map(toRefund);
  }
}
