import { newId } from '../../../infra/crypto/ids';
import { isUniqueViolation, sqlOf, type SqlClient } from '../../../infra/db/database';
import type { Transaction } from '../../../shared/transaction';
import type { Cursor } from '../../../shared/pagination';
import {
  DuplicateCheckoutPayment,
  type AgentPayment,
  type AgentPaymentRepository,
  type AgentPaymentStatus,
  type AuditEntry,
  type AuditRecord,
} from '../agent-payment.repository';

interface PaymentRow {
  id: string;
  agent_id: string;
  owner_id: string;
  status: AgentPaymentStatus;
  amount: bigint;
  currency: string;
  from_wallet_id: string;
  to_wallet_id: string;
  to_agent_id: string | null;
  merchant_id: string | null;
  memo: string | null;
  source: string;
  reference: string | null;
  policy_version: number;
  mandate_id: string | null;
  mandate_hash: string | null;
  transfer_id: string | null;
  expires_at: Date | null;
  decided_at: Date | null;
  created_at: Date;
}

const toPayment = (r: PaymentRow): AgentPayment => ({
  id: r.id,
  agentId: r.agent_id,
  ownerId: r.owner_id,
  status: r.status,
  amount: BigInt(r.amount),
  currency: r.currency,
  fromWalletId: r.from_wallet_id,
  toWalletId: r.to_wallet_id,
  toAgentId: r.to_agent_id,
  merchantId: r.merchant_id,
  memo: r.memo,
  source: r.source,
  reference: r.reference,
  policyVersion: r.policy_version,
  mandateId: r.mandate_id,
  mandateHash: r.mandate_hash,
  transferId: r.transfer_id,
  expiresAt: r.expires_at,
  decidedAt: r.decided_at,
  createdAt: r.created_at,
});

const PAGE = 'ORDER BY created_at DESC, id DESC LIMIT';

/** The PostgreSQL adapter; PGlite runs the same SQL. */
export class SqlAgentPaymentRepository implements AgentPaymentRepository {
  constructor(private readonly db: SqlClient) {}

  async lockCounters(tx: Transaction, agentId: string, periods: readonly string[]) {
    await sqlOf(tx).query('INSERT INTO agent_spend_counters (agent_id, period) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING', [
      agentId,
      periods,
    ]);
    const { rows } = await sqlOf(tx).query<{ period: string; spent: bigint }>(
      'SELECT period, spent FROM agent_spend_counters WHERE agent_id = $1 AND period = ANY($2::text[]) ORDER BY period FOR UPDATE',
      [agentId, periods],
    );
    return new Map(rows.map((r) => [r.period, BigInt(r.spent)]));
  }

  async addToCounters(tx: Transaction, agentId: string, periods: readonly string[], amount: bigint) {
    await sqlOf(tx).query('UPDATE agent_spend_counters SET spent = spent + $3 WHERE agent_id = $1 AND period = ANY($2::text[])', [
      agentId,
      periods,
      amount,
    ]);
  }

  async readCounters(agentId: string, periods: readonly string[]) {
    const { rows } = await this.db.query<{ period: string; spent: bigint }>(
      'SELECT period, spent FROM agent_spend_counters WHERE agent_id = $1 AND period = ANY($2::text[])',
      [agentId, periods],
    );
    return new Map(rows.map((r) => [r.period, BigInt(r.spent)]));
  }

  async insert(tx: Transaction, p: AgentPayment) {
    await sqlOf(tx)
      .query(
        `INSERT INTO agent_payments (id, agent_id, owner_id, status, amount, currency, from_wallet_id, to_wallet_id,
         to_agent_id, merchant_id, memo, source, reference, policy_version, mandate_id, mandate_hash, transfer_id,
         expires_at, decided_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`,
        [
          p.id,
          p.agentId,
          p.ownerId,
          p.status,
          p.amount,
          p.currency,
          p.fromWalletId,
          p.toWalletId,
          p.toAgentId,
          p.merchantId,
          p.memo,
          p.source,
          p.reference,
          p.policyVersion,
          p.mandateId,
          p.mandateHash,
          p.transferId,
          p.expiresAt,
          p.decidedAt,
          p.createdAt,
        ],
      )
      .catch((error: unknown) => {
        throw isUniqueViolation(error, 'agent_payments_checkout_key') ? new DuplicateCheckoutPayment() : error;
      });
  }

  async findById(id: string) {
    const { rows } = await this.db.query<PaymentRow>('SELECT * FROM agent_payments WHERE id = $1', [id]);
    return rows[0] ? toPayment(rows[0]) : null;
  }

  async lock(tx: Transaction, id: string) {
    const { rows } = await sqlOf(tx).query<PaymentRow>('SELECT * FROM agent_payments WHERE id = $1 FOR UPDATE', [id]);
    return rows[0] ? toPayment(rows[0]) : null;
  }

  async complete(tx: Transaction, id: string, transferId: string, policyVersion: number) {
    await sqlOf(tx).query(
      `UPDATE agent_payments SET status = 'completed', transfer_id = $2, policy_version = $3, decided_at = now() WHERE id = $1`,
      [id, transferId, policyVersion],
    );
  }

  async closePending(tx: Transaction, id: string, status: 'declined' | 'expired') {
    const { rows } = await sqlOf(tx).query<PaymentRow>(
      `UPDATE agent_payments SET status = $2, decided_at = now() WHERE id = $1 AND status = 'pending_approval' RETURNING *`,
      [id, status],
    );
    return rows[0] ? toPayment(rows[0]) : null;
  }

  async expireDue(tx: Transaction, ownerId: string, now: Date) {
    const { rows } = await sqlOf(tx).query<PaymentRow>(
      `UPDATE agent_payments SET status = 'expired', decided_at = now()
        WHERE owner_id = $1 AND status = 'pending_approval' AND expires_at <= $2 RETURNING *`,
      [ownerId, now],
    );
    return rows.map(toPayment);
  }

  async expireOverdue(tx: Transaction, now: Date, limit: number) {
    // MATERIALIZED: as `id IN (SELECT … LIMIT)` the subquery may run again per row and the LIMIT
    // no longer bounds the batch; a materialized CTE is chosen (and locked) once.
    const { rows } = await sqlOf(tx).query<PaymentRow>(
      `WITH due AS MATERIALIZED (
         SELECT id FROM agent_payments WHERE status = 'pending_approval' AND expires_at <= $1
          ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE agent_payments p SET status = 'expired', decided_at = now()
         FROM due WHERE p.id = due.id AND p.status = 'pending_approval'
       RETURNING p.*`,
      [now, limit],
    );
    return rows.map(toPayment);
  }

  async listByAgent(agentId: string, limit: number, after?: Cursor) {
    return this.page('agent_id = $1', [agentId], limit, after);
  }

  async listPendingByOwner(ownerId: string, limit: number, after?: Cursor) {
    return this.page("owner_id = $1 AND status = 'pending_approval'", [ownerId], limit, after);
  }

  async appendAudit(tx: Transaction, r: AuditRecord) {
    await sqlOf(tx).query(
      `INSERT INTO agent_audit_log (id, agent_id, owner_id, payment_id, decision, rule, reason, policy_version, amount, currency, asset)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [newId('aud'), r.agentId, r.ownerId, r.paymentId, r.decision, r.rule, r.reason, r.policyVersion, r.amount, r.currency, r.asset],
    );
  }

  async listAudit(agentId: string, limit: number, after?: Cursor): Promise<AuditEntry[]> {
    const { rows } = await this.db.query<{
      id: string;
      agent_id: string;
      owner_id: string;
      payment_id: string | null;
      decision: AuditEntry['decision'];
      rule: string | null;
      reason: string;
      policy_version: number | null;
      amount: bigint | null;
      currency: string | null;
      asset: string | null;
      created_at: Date;
    }>(
      after
        ? `SELECT * FROM agent_audit_log WHERE agent_id = $1 AND (created_at, id) < ($3, $4) ${PAGE} $2`
        : `SELECT * FROM agent_audit_log WHERE agent_id = $1 ${PAGE} $2`,
      after ? [agentId, limit + 1, after.createdAt, after.id] : [agentId, limit + 1],
    );
    return rows.map((r) => ({
      id: r.id,
      agentId: r.agent_id,
      ownerId: r.owner_id,
      paymentId: r.payment_id,
      decision: r.decision,
      rule: r.rule,
      reason: r.reason,
      policyVersion: r.policy_version,
      amount: r.amount === null ? null : BigInt(r.amount),
      currency: r.currency,
      asset: r.asset,
      createdAt: r.created_at,
    }));
  }

  private async page(where: string, params: unknown[], limit: number, after?: Cursor) {
    const n = params.length;
    const { rows } = await this.db.query<PaymentRow>(
      after
        ? `SELECT * FROM agent_payments WHERE ${where} AND (created_at, id) < ($${n + 2}, $${n + 3}) ${PAGE} $${n + 1}`
        : `SELECT * FROM agent_payments WHERE ${where} ${PAGE} $${n + 1}`,
      after ? [...params, limit + 1, after.createdAt, after.id] : [...params, limit + 1],
    );
    return rows.map(toPayment);
  }
}
