import { sqlOf, type SqlClient } from '../../../../infra/db/database';
import type { Transaction } from '../../../../shared/transaction';
import { Conflict } from '../../../../shared/errors';
import type { CardCharge, CardChargeRepository, ChargePurpose, ChargeStatus, NewCardCharge } from '../card-charge.repository';

interface ChargeRow {
  id: string;
  scope: string;
  idempotency_key: string;
  purpose: ChargePurpose;
  wallet_id: string;
  token_id: string;
  amount: bigint;
  currency: string;
  processor: string;
  status: ChargeStatus;
  processor_charge_id: string | null;
  failure_code: string | null;
  transfer_id: string | null;
  payment_session_id: string | null;
  created_at: Date;
  recovery_attempts: number;
  tenant_id: string;
}

const COLUMNS = `id, scope, idempotency_key, purpose, wallet_id, token_id, amount, currency, processor, status,
  processor_charge_id, failure_code, transfer_id, payment_session_id, created_at, recovery_attempts, tenant_id`;
// The same columns, qualified: the claim's UPDATE … FROM stale has an id of its own.
const C_COLUMNS = COLUMNS.split(',')
  .map((c) => `c.${c.trim()}`)
  .join(', ');

const toCharge = (r: ChargeRow): CardCharge => ({
  id: r.id,
  scope: r.scope,
  idempotencyKey: r.idempotency_key,
  purpose: r.purpose,
  walletId: r.wallet_id,
  tokenId: r.token_id,
  amount: BigInt(r.amount),
  currency: r.currency,
  processor: r.processor,
  status: r.status,
  processorChargeId: r.processor_charge_id,
  failureCode: r.failure_code,
  transferId: r.transfer_id,
  paymentSessionId: r.payment_session_id,
  createdAt: r.created_at,
  recoveryAttempts: r.recovery_attempts,
  tenantId: r.tenant_id,
});

export class SqlCardChargeRepository implements CardChargeRepository {
  constructor(private readonly db: SqlClient) {}

  async claim(c: NewCardCharge): Promise<{ charge: CardCharge; created: boolean }> {
    const inserted = await this.db.query<ChargeRow>(
      `INSERT INTO card_charges (id, scope, idempotency_key, purpose, wallet_id, token_id, amount, currency, processor, payment_session_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
      [c.id, c.scope, c.idempotencyKey, c.purpose, c.walletId, c.tokenId, c.amount, c.currency, c.processor, c.paymentSessionId ?? null],
    );
    if (inserted.rows[0]) return { charge: toCharge(inserted.rows[0]), created: true };
    const existing = await this.findByKey(c.scope, c.idempotencyKey);
    // The other unique constraint: a payment session pays for one charge only.
    if (!existing) throw new Conflict('payment_session_used', 'The payment session has already been used');
    return { charge: existing, created: false };
  }

  async findByKey(scope: string, idempotencyKey: string): Promise<CardCharge | null> {
    const { rows } = await this.db.query<ChargeRow>(`SELECT ${COLUMNS} FROM card_charges WHERE scope = $1 AND idempotency_key = $2`, [
      scope,
      idempotencyKey,
    ]);
    return rows[0] ? toCharge(rows[0]) : null;
  }

  async recordSucceeded(id: string, processorChargeId: string): Promise<void> {
    await this.db.query(
      `UPDATE card_charges SET status = 'succeeded', processor_charge_id = $2, failure_code = NULL, updated_at = now()
        WHERE id = $1 AND status IN ('pending', 'failed')`,
      [id, processorChargeId],
    );
  }

  async recordFailed(id: string, failureCode: string): Promise<void> {
    await this.db.query(
      `UPDATE card_charges SET status = 'failed', failure_code = $2, updated_at = now() WHERE id = $1 AND status IN ('pending', 'failed')`,
      [id, failureCode],
    );
  }

  async markCredited(tx: Transaction, id: string, transferId: string): Promise<boolean> {
    const { rowCount } = await sqlOf(tx).query(
      `UPDATE card_charges SET status = 'credited', transfer_id = $2, updated_at = now() WHERE id = $1 AND status = 'succeeded'`,
      [id, transferId],
    );
    return rowCount > 0;
  }

  async recordForReconciliation(id: string, reason: string): Promise<void> {
    await this.db.query(
      `INSERT INTO funding_reconciliation (charge_id, reason) VALUES ($1, $2)
       ON CONFLICT (charge_id) DO UPDATE SET reason = EXCLUDED.reason, attempts = funding_reconciliation.attempts + 1,
         resolved_at = NULL, updated_at = now()`,
      [id, reason],
    );
  }

  async resolveReconciliation(tx: Transaction, id: string): Promise<void> {
    await sqlOf(tx).query(
      'UPDATE funding_reconciliation SET resolved_at = now(), updated_at = now() WHERE charge_id = $1 AND resolved_at IS NULL',
      [id],
    );
  }

  async findById(id: string): Promise<CardCharge | null> {
    const { rows } = await this.db.query<ChargeRow>(`SELECT ${COLUMNS} FROM card_charges WHERE id = $1`, [id]);
    return rows[0] ? toCharge(rows[0]) : null;
  }

  async claimStale(limit: number, staleAfterMs: number, leaseMs: number): Promise<CardCharge[]> {
    // SKIP LOCKED: concurrent sweepers take different rows; the lease is committed at once, so no
    // lock is held while the processor is asked. updated_at is left alone: it says when the
    // charge's own request last moved it, which is what staleness is measured from.
    const { rows } = await this.db.query<ChargeRow>(
      `WITH stale AS (
         SELECT id FROM card_charges
          WHERE status IN ('pending', 'succeeded')
            AND updated_at <= now() - $2 * interval '1 millisecond'
            AND (recovery_due_at IS NULL OR recovery_due_at <= now())
          ORDER BY updated_at
          LIMIT $1
          FOR UPDATE SKIP LOCKED
       )
       UPDATE card_charges c
          SET recovery_attempts = c.recovery_attempts + 1, recovery_due_at = now() + $3 * interval '1 millisecond'
         FROM stale
        WHERE c.id = stale.id
       RETURNING ${C_COLUMNS}`,
      [limit, staleAfterMs, leaseMs],
    );
    return rows.map(toCharge);
  }

  async scheduleRecovery(id: string, attempt: number, delayMs: number): Promise<void> {
    await this.db.query(
      `UPDATE card_charges SET recovery_due_at = now() + $3 * interval '1 millisecond' WHERE id = $1 AND recovery_attempts = $2`,
      [id, attempt, delayMs],
    );
  }

  async abandonRecovery(id: string, attempt: number): Promise<void> {
    await this.db.query(`UPDATE card_charges SET recovery_due_at = 'infinity' WHERE id = $1 AND recovery_attempts = $2`, [id, attempt]);
  }

  async findByProcessorChargeIds(processor: string, processorChargeIds: readonly string[]): Promise<CardCharge[]> {
    const { rows } = await this.db.query<ChargeRow>(
      `SELECT ${COLUMNS} FROM card_charges WHERE processor = $1 AND processor_charge_id = ANY($2::text[])`,
      [processor, processorChargeIds],
      { prepare: false },
    );
    return rows.map(toCharge);
  }

  async listProcessedBetween(
    processor: string,
    from: Date,
    to: Date,
    limit: number,
    after?: { createdAt: Date; id: string },
  ): Promise<CardCharge[]> {
    const { rows } = await this.db.query<ChargeRow>(
      `SELECT ${COLUMNS} FROM card_charges
        WHERE processor = $1 AND processor_charge_id IS NOT NULL AND status IN ('succeeded', 'credited')
          AND created_at >= $2 AND created_at <= $3
          AND ($5::timestamptz IS NULL OR (created_at, id) > ($5::timestamptz, $6::text))
        ORDER BY created_at, id
        LIMIT $4`,
      [processor, from, to, limit, after?.createdAt ?? null, after?.id ?? null],
    );
    return rows.map(toCharge);
  }
}
