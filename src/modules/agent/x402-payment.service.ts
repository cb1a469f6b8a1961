import { newId } from '../../infra/crypto/ids';
import { Forbidden, PolicyViolation } from '../../shared/errors';
import type { Principal } from '../../shared/principal';
import type { Transaction, TransactionRunner } from '../../shared/transaction';
import type { AgentRepository } from './agent.repository';
import { checkX402Rules, spendPeriods, type X402PaymentFacts } from './policy';
import type { AgentX402Payment, AgentX402PaymentRepository, X402PaymentStatus } from './x402-payment.repository';

export interface X402Authorization {
  agentId: string;
  ownerId: string;
  /** The owner's chain wallet the policy names: the payment is signed with its vaulted key. */
  web3WalletId: string;
}

/**
 * An agent's x402 payments under its policy: the same policy record as its other payments (validity
 * window, counterparties), with the x402 fields for the token (wallet, assets, per-request cap, daily
 * budget in base units). The x402 edge asks before it signs and reports what the server answered.
 */
export class AgentX402Service {
  constructor(
    private readonly db: TransactionRunner,
    private readonly agents: AgentRepository,
    private readonly payments: AgentX402PaymentRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Checks the payment against the calling agent's policy and reserves its amount in the day's
   * budget for the asset; nothing is signed yet. Errors: forbidden (403, not an active agent),
   * policy_violation (403; rule: not_before, expires_at, x402_not_enabled, x402_assets,
   * allowed_counterparties, x402_max_per_request, x402_daily_budget).
   */
  async authorize(principal: Principal, payment: X402PaymentFacts): Promise<X402Authorization> {
    const agent = principal.role === 'agent' ? await this.agents.findById(principal.sub) : null;
    if (!agent || agent.status !== 'active') throw new Forbidden('Only an active agent pays x402 challenges here');
    const now = this.now();
    checkX402Rules(agent.policy, payment, now);
    const day = spendPeriods(now).day.slice(2);
    const budget = agent.policy.x402DailyBudget ?? null;
    if (!(await this.payments.reserve(agent.id, payment.asset, day, payment.amount, budget))) {
      throw new PolicyViolation('x402_daily_budget', 'The payment would exceed the daily x402 budget for this asset', {
        limit: budget?.toString(),
        asset: payment.asset,
      });
    }
    return { agentId: agent.id, ownerId: agent.ownerId, web3WalletId: agent.policy.x402WalletId! };
  }

  /** Records a signed payment (before it is sent). Errors: the database's. */
  async recordSigned(
    authorization: X402Authorization,
    p: { url: string; authNonce: string } & X402PaymentFacts,
  ): Promise<AgentX402Payment> {
    const now = this.now();
    const payment: AgentX402Payment = {
      id: newId('x4p'),
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
    await this.payments.insert(payment);
    return payment;
  }

  /**
   * What the server answered to the paid request; `inTx` runs in the same transaction (the route
   * stores its idempotent reply there). Errors: the database's.
   */
  async recordOutcome(
    id: string,
    status: Exclude<X402PaymentStatus, 'signed'>,
    httpStatus: number,
    settlementTx: string | null,
    inTx: (tx: Transaction) => Promise<void> = async () => undefined,
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.payments.finish(id, status, httpStatus, settlementTx, tx);
      await inTx(tx);
    });
  }

  /** The calling agent's x402 payments, newest first. Errors: forbidden (403, not an agent). */
  async history(principal: Principal, limit: number): Promise<AgentX402Payment[]> {
    if (principal.role !== 'agent') throw new Forbidden('Only an agent has x402 payments');
    return this.payments.listByAgent(principal.sub, limit);
  }
}
