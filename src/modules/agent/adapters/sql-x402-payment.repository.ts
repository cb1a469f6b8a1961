import { sqlOf, type SqlClient } from '../../../infra/db/database';
import type { Cursor } from '../../../shared/pagination';
import type { Transaction } from '../../../shared/transaction';
import type {
  AgentX402Payment,
  AgentX402PaymentRepository,
  UnresolvedX402Payment,
  X402PaymentStatus,
  X402Resend,
} from '../x402-payment.repository';

interface Row {
  id: string;
  agent_id: string;
  owner_id: string;
  url: string;
  asset: string;
  pay_to: string;
  amount: string;
  auth_nonce: string;
  status: X402PaymentStatus;
  http_status: number | null;
  settlement_tx: string | null;
  created_at: Date;
  updated_at: Date;
}

interface UnresolvedRow extends Row {
  idempotency_scope: string;
  idempotency_key: string;
  request_hash: string;
  policy_version: number;
  signed_payload: string;
  budget_day: string | null;
}

const COLUMNS =
  'id, agent_id, owner_id, url, asset, pay_to, amount::text AS amount, auth_nonce, status, http_status, settlement_tx, created_at, updated_at';

export class SqlAgentX402PaymentRepository implements AgentX402PaymentRepository {
  constructor(private readonly db: SqlClient) {}

  async reserve(agentId: string, asset: string, day: string, amount: bigint, budget: bigint | null): Promise<boolean> {
    // One statement: the insert or the conditional update holds the row lock, so two payments at
    // once are counted one after the other and the second sees the first.
    const { rows } = await this.db.query<{ spent: string }>(
      `INSERT INTO agent_x402_spend (agent_id, asset, day, spent) SELECT $1, $2, $3::date, $4::numeric WHERE $5::numeric IS NULL OR $4::numeric <= $5::numeric
       ON CONFLICT (agent_id, asset, day) DO UPDATE SET spent = agent_x402_spend.spent + EXCLUDED.spent
         WHERE $5::numeric IS NULL OR agent_x402_spend.spent + EXCLUDED.spent <= $5::numeric
       RETURNING spent::text AS spent`,
      [agentId, asset, day, amount.toString(), budget === null ? null : budget.toString()],
    );
    return rows.length === 1;
  }

  async release(agentId: string, asset: string, day: string, amount: bigint, tx?: Transaction): Promise<void> {
    await (tx ? sqlOf(tx) : this.db).query(
      `UPDATE agent_x402_spend SET spent = spent - $4::numeric
        WHERE agent_id = $1 AND asset = $2 AND day = $3::date AND spent >= $4::numeric`,
      [agentId, asset, day, amount.toString()],
    );
  }

  async insert(p: AgentX402Payment, r: X402Resend, tx: Transaction): Promise<boolean> {
    // The partial unique index holds one unresolved payment per key: a second one is not stored.
    const { rowCount } = await sqlOf(tx).query(
      `INSERT INTO agent_x402_payments (id, agent_id, owner_id, url, asset, pay_to, amount, auth_nonce, status, http_status, settlement_tx,
         created_at, updated_at, idempotency_scope, idempotency_key, request_hash, policy_version, signed_payload, budget_day)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14, $15, $16, $17, $18::date)
       ON CONFLICT (idempotency_scope, idempotency_key) WHERE status = 'signed' DO NOTHING`,
      [
        p.id,
        p.agentId,
        p.ownerId,
        p.url,
        p.asset,
        p.payTo,
        p.amount.toString(),
        p.authNonce,
        p.status,
        p.httpStatus,
        p.settlementTx,
        p.createdAt,
        r.scope,
        r.key,
        r.requestHash,
        r.policyVersion,
        r.signedPayload,
        r.budgetDay,
      ],
    );
    return rowCount === 1;
  }

  async findUnresolved(scope: string, key: string): Promise<UnresolvedX402Payment | null> {
    // Served by agent_x402_payments_unresolved_key.
    const { rows } = await this.db.query<UnresolvedRow>(
      `SELECT ${COLUMNS}, idempotency_scope, idempotency_key, request_hash, policy_version, signed_payload,
              to_char(budget_day, 'YYYY-MM-DD') AS budget_day
       FROM agent_x402_payments WHERE idempotency_scope = $1 AND idempotency_key = $2 AND status = 'signed'`,
      [scope, key],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      payment: toPayment(r),
      resend: {
        scope: r.idempotency_scope,
        key: r.idempotency_key,
        requestHash: r.request_hash,
        policyVersion: r.policy_version,
        signedPayload: r.signed_payload,
        budgetDay: r.budget_day,
      },
    };
  }

  async finish(
    id: string,
    status: X402PaymentStatus,
    httpStatus: number | null,
    settlementTx: string | null,
    tx: Transaction,
  ): Promise<boolean> {
    const { rowCount } = await sqlOf(tx).query(
      `UPDATE agent_x402_payments SET status = $2, http_status = $3, settlement_tx = $4, signed_payload = NULL, updated_at = now()
        WHERE id = $1 AND status = 'signed'`,
      [id, status, httpStatus, settlementTx],
    );
    return rowCount === 1;
  }

  async listByAgent(agentId: string, limit: number, after?: Cursor): Promise<AgentX402Payment[]> {
    // Served by agent_x402_payments_agent_idx (agent_id, created_at DESC, id DESC).
    const { rows } = await this.db.query<Row>(
      `SELECT ${COLUMNS}
       FROM agent_x402_payments WHERE agent_id = $1 ${after ? 'AND (created_at, id) < ($3, $4)' : ''}
       ORDER BY created_at DESC, id DESC LIMIT $2`,
      after ? [agentId, limit + 1, after.createdAt, after.id] : [agentId, limit + 1],
    );
    return rows.map(toPayment);
  }
}

function toPayment(r: Row): AgentX402Payment {
  return {
    id: r.id,
    agentId: r.agent_id,
    ownerId: r.owner_id,
    url: r.url,
    asset: r.asset,
    payTo: r.pay_to,
    amount: BigInt(r.amount),
    authNonce: r.auth_nonce,
    status: r.status,
    httpStatus: r.http_status,
    settlementTx: r.settlement_tx,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
