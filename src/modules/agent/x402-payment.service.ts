import { newId } from '../../infra/crypto/ids';
import { Conflict, Forbidden, NotFound, PolicyViolation } from '../../shared/errors';
import { toPage, type Cursor, type Page } from '../../shared/pagination';
import type { Principal } from '../../shared/principal';
import type { Transaction, TransactionRunner } from '../../shared/transaction';
import type { AgentPaymentRepository } from './agent-payment.repository';
import { auditRecord } from './audit-record';
import type { AgentRepository } from './agent.repository';
import { checkX402Rules, spendPeriods, type X402PaymentFacts } from './policy';
import type {
  AgentX402Payment,
  AgentX402PaymentRepository,
  UnresolvedX402Payment,
  X402PaymentKey,
  X402PaymentStatus,
} from './x402-payment.repository';

export interface X402Authorization {
  /** The payment's id: its record's once signed, the audit log's reference from the decision on. */
  paymentId: string;
  agentId: string;
  ownerId: string;
  /** The policy version that allowed it (kept in the audit log). */
  policyVersion: number;
  /** The owner's chain wallet the policy names: the payment is signed with its vaulted key. */
  web3WalletId: string;
  /** The UTC day (YYYY-MM-DD) whose budget holds the reservation. */
  day: string;
}

/**
 * An agent's x402 payments under its policy: the same policy record as its other payments (validity
 * window, counterparties), with the x402 fields for the token (wallet, assets, per-request cap, daily
 * budget in base units). The x402 edge asks before it signs and reports what the server answered;
 * each step is a record in the agent's audit log, as its other payments' decisions are.
 */
export class AgentX402Service {
  constructor(
    private readonly db: TransactionRunner,
    private readonly agents: AgentRepository,
    private readonly payments: AgentX402PaymentRepository,
    private readonly audit: Pick<AgentPaymentRepository, 'appendAudit'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Checks the payment against the calling agent's policy and reserves its amount in the day's
   * budget for the asset; nothing is signed yet. A refusal is written to the audit log.
   * Errors: forbidden (403, not an active agent), policy_violation (403; rule: not_before,
   * expires_at, x402_not_enabled, x402_assets, allowed_counterparties, x402_max_per_request, x402_daily_budget).
   */
  async authorize(principal: Principal, payment: X402PaymentFacts): Promise<X402Authorization> {
    const agent = principal.role === 'agent' ? await this.agents.findById(principal.sub) : null;
    if (!agent || agent.status !== 'active') throw new Forbidden('Only an active agent pays x402 challenges here');
    const attempt = { id: newId('x4p'), agentId: agent.id, ownerId: agent.ownerId, amount: payment.amount, asset: payment.asset };
    const now = this.now();
    const day = spendPeriods(now).day.slice(2);
    try {
      checkX402Rules(agent.policy, payment, now);
      const budget = agent.policy.x402DailyBudget ?? null;
      if (!(await this.payments.reserve(agent.id, payment.asset, day, payment.amount, budget))) {
        throw new PolicyViolation('x402_daily_budget', 'The payment would exceed the daily x402 budget for this asset', {
          limit: budget?.toString(),
          asset: payment.asset,
        });
      }
    } catch (error) {
      // Nothing of the attempt is stored but this record: its id is the attempt's reference.
      if (error instanceof PolicyViolation) {
        const refusal = auditRecord(
          attempt,
          { asset: attempt.asset },
          agent.policyVersion,
          'refused',
          error.rule,
          `${error.code}: ${error.message}`,
        );
        await this.db.transaction((tx) => this.audit.appendAudit(tx, refusal));
      }
      throw error;
    }
    return {
      paymentId: attempt.id,
      agentId: agent.id,
      ownerId: agent.ownerId,
      policyVersion: agent.policyVersion,
      web3WalletId: agent.policy.x402WalletId!,
      day,
    };
  }

  /**
   * Gives the day's budget back what `authorize` reserved, for a payment that failed before anything
   * signed was sent (the vault refused, the token's domain did not match). Errors: the database's.
   */
  async release(authorization: X402Authorization, payment: Pick<X402PaymentFacts, 'asset' | 'amount'>): Promise<void> {
    await this.payments.release(authorization.agentId, payment.asset, authorization.day, payment.amount);
  }

  /**
   * Records a signed payment (before it is sent) and its audit record, together, bound to the
   * caller's Idempotency-Key with its signed payload until the outcome is known: a retry with the key
   * sends that payload again (`unresolved`), never signs another. Errors: idempotency_in_flight (409)
   * when another payment signed under the key is still unresolved (nothing is stored); the database's.
   */
  async recordSigned(
    authorization: X402Authorization,
    p: { url: string; authNonce: string } & X402PaymentFacts,
    key: X402PaymentKey & { signedPayload: string },
  ): Promise<AgentX402Payment> {
    const now = this.now();
    const payment: AgentX402Payment = {
      id: authorization.paymentId,
      agentId: authorization.agentId,
      ownerId: authorization.ownerId,
      url: p.url,
      asset: p.asset,
      payTo: p.payTo,
      amount: p.amount,
      authNonce: p.authNonce,
      status: 'signed',
      httpStatus: null,
      settlementTx: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.db.transaction(async (tx) => {
      if (
        !(await this.payments.insert(payment, { ...key, policyVersion: authorization.policyVersion, budgetDay: authorization.day }, tx))
      ) {
        const error = new Conflict('idempotency_in_flight', 'A request with this Idempotency-Key is still being processed');
        error.retryAfterSeconds = 1;
        throw error;
      }
      await this.audit.appendAudit(
        tx,
        auditRecord(payment, { asset: payment.asset }, authorization.policyVersion, 'allowed', null, `within policy; signed to ${p.payTo}`),
      );
    });
    return payment;
  }

  /**
   * The payment signed under the caller's Idempotency-Key (scope + key) whose outcome is unknown (its
   * paid request's answer was lost), with the signed payload to send again. Errors: the database's.
   */
  unresolved(scope: string, key: string): Promise<UnresolvedX402Payment | null> {
    return this.payments.findUnresolved(scope, key);
  }

  /**
   * What the server answered to the paid request, with its audit record; `inTx` runs in the same
   * transaction (the route stores its idempotent reply there). Errors: the database's.
   */
  async recordOutcome(
    payment: AgentX402Payment,
    outcome: { status: Exclude<X402PaymentStatus, 'signed'>; httpStatus: number; settlementTx: string | null; policyVersion: number },
    inTx: (tx: Transaction) => Promise<void> = async () => undefined,
  ): Promise<void> {
    const settled = outcome.settlementTx ? `, settlement ${outcome.settlementTx}` : ', no settlement reported';
    const reason = `the server answered ${outcome.httpStatus}${settled}`;
    await this.db.transaction(async (tx) => {
      await this.payments.finish(payment.id, outcome.status, outcome.httpStatus, outcome.settlementTx, tx);
      await this.audit.appendAudit(tx, auditRecord(payment, { asset: payment.asset }, outcome.policyVersion, outcome.status, null, reason));
      await inTx(tx);
    });
  }

  /**
   * A payment signed under a key that can never settle: its authorization is unused on chain and the
   * chain is past its window. Recorded `expired` with the day's budget given back what it reserved,
   * in one transaction, and only if it was still `signed` (two retries cannot give it back twice);
   * the key is then free for a new payment. `httpStatus`: the server's last answer, null for none.
   * Errors: the database's.
   */
  async recordExpired(open: UnresolvedX402Payment, httpStatus: number | null): Promise<void> {
    const { payment, resend } = open;
    const answered = httpStatus === null ? 'the server did not answer' : `the server answered ${httpStatus}`;
    const reason = `its authorization expired unused on chain (${answered}); the budget got its reservation back`;
    await this.db.transaction(async (tx) => {
      if (!(await this.payments.finish(payment.id, 'expired', httpStatus, null, tx))) return;
      if (resend.budgetDay) await this.payments.release(payment.agentId, payment.asset, resend.budgetDay, payment.amount, tx);
      await this.audit.appendAudit(tx, auditRecord(payment, { asset: payment.asset }, resend.policyVersion, 'expired', null, reason));
    });
  }

  /** The calling agent's x402 payments, newest first. Errors: forbidden (403, not an agent). */
  async history(principal: Principal, limit: number, after?: Cursor): Promise<Page<AgentX402Payment>> {
    if (principal.role !== 'agent') throw new Forbidden('Only an agent has x402 payments');
    return toPage(await this.payments.listByAgent(principal.sub, limit, after), limit);
  }

  /** An agent's x402 payments, newest first, for its owner. Errors: agent_not_found (404), also for another's agent. */
  async historyForOwner(owner: Principal, agentId: string, limit: number, after?: Cursor): Promise<Page<AgentX402Payment>> {
    const agent = await this.agents.findById(agentId);
    if (!agent || agent.ownerId !== owner.sub) throw new NotFound('Agent not found', 'agent_not_found');
    return toPage(await this.payments.listByAgent(agent.id, limit, after), limit);
  }
}
