import type { TransactionRunner } from '../../shared/transaction';
import { newId } from '../../infra/crypto/ids';
import type { Principal } from '../../shared/principal';
import { Conflict, Forbidden, NotFound, PolicyViolation } from '../../shared/errors';
import type { EventBus } from '../../shared/events';
import { toPage, type Cursor, type Page } from '../../shared/pagination';
import type { LedgerService } from '../ledger';
import type { Outbox } from '../../shared/outbox';
import type { AgentPayment, AgentPaymentRepository, AuditEntry } from './agent-payment.repository';
import type { Agent, AgentRepository } from './agent.repository';
import { checkStaticRules, needsApproval, spendPeriods } from './policy';
import { PaymentApprovals } from './payment-approvals';
import { facts, PaymentDecisions, type ClaimInTx, type MandateCheck, type PersistPayment } from './payment-decisions';

/** Who is paid: another agent, any wallet, or a merchant (UCP) at its wallet. */
export type Payee = { agentId: string } | { walletId: string } | { merchantId: string; walletId: string };

export interface PaymentRequest {
  to: Payee;
  amount: bigint;
  currency: string;
  memo?: string;
  /** Which API asked: "a2a", "mcp", "ucp_credential", "ucp_intent". */
  source: string;
  reference?: string;
  /** A signed owner mandate (compact JWS) the payment must also satisfy. */
  mandate?: string;
}

export class AgentPaymentService {
  private readonly decisions: PaymentDecisions;
  private readonly approvals: PaymentApprovals;

  constructor(
    db: TransactionRunner,
    private readonly agents: AgentRepository,
    private readonly payments: AgentPaymentRepository,
    ledger: LedgerService,
    outbox: Outbox,
    events: EventBus,
    options: { approvalTtlMs: number },
  ) {
    this.decisions = new PaymentDecisions(db, agents, payments, ledger, outbox, events, options);
    this.approvals = new PaymentApprovals(db, agents, payments, outbox, events, this.decisions);
  }

  useMandates(mandates: MandateCheck): void {
    this.decisions.useMandates(mandates);
  }

  /**
   * An agent pays from the wallet its owner bound to it. The policy is checked and the spend
   * counters locked and increased in the ledger write's own transaction; above the approval
   * threshold, or when an AP2 intent mandate asks for the user's confirmation, the payment waits
   * for the owner instead and nothing moves.
   * Errors: policy_violation (403, details.rule), agent_not_found / wallet_not_found (404),
   * counterparty_not_active (409), same_wallet / currency_mismatch (400), insufficient_funds (422),
   * wallet_not_active (409), checkout_already_paid (409), agent_only / agent_suspended_or_revoked (403),
   * mandate_malformed (400), mandate_signature_invalid / mandate_foreign / mandate_expired /
   * mandate_constraint_unknown / mandate_constraint_failed / mandate_exhausted (403).
   */
  async pay(principal: Principal, request: PaymentRequest, persist: PersistPayment): Promise<AgentPayment> {
    const agent = await this.actingAgent(principal);
    const draft = await this.draft(agent, request);
    const now = new Date();
    try {
      checkStaticRules(agent.policy, facts(draft), now);
    } catch (error) {
      await this.decisions.refused(draft, error);
      throw error;
    }
    if (request.mandate && this.decisions.mandateCheck().requiresConfirmation(request.mandate)) {
      return this.decisions.requestApproval(draft, now, persist, request.mandate, [
        'mandate_confirmation',
        "the owner's intent mandate asks to confirm each payment",
      ]);
    }
    if (needsApproval(agent.policy, draft.amount)) {
      return this.decisions.requestApproval(draft, now, persist, request.mandate, [
        'approval_threshold',
        'amount above the approval threshold',
      ]);
    }
    return this.decisions.execute(agent, draft, persist, { approving: false, mandate: request.mandate });
  }

  /**
   * What an agent may promise before it pays (a UCP payment credential): it is active and the
   * policy's static rules (validity, currency, counterparty, per-transaction cap) allow the payment;
   * an amount the owner would have to approve is refused, since a credential cannot wait. Budgets
   * are not looked at: they are locked when the payment is made. Records nothing.
   * Errors: agent_only / agent_suspended_or_revoked (403), agent_not_found (404),
   * policy_violation (403; details.rule, approval_threshold included).
   */
  async checkPromise(principal: Principal, request: PaymentRequest): Promise<Agent> {
    const agent = await this.actingAgent(principal);
    const draft = await this.draft(agent, request);
    checkStaticRules(agent.policy, facts(draft), new Date());
    if (needsApproval(agent.policy, draft.amount)) throw approvalRefused();
    return agent;
  }

  /**
   * Pays as `agentId` for a trusted in-process caller that has already authenticated what it
   * redeems (the UCP credential redeemer): the same policy, budgets, mandate, posting, audit and
   * events as `pay`, but never waits for approval (an amount above the threshold is refused with
   * rule approval_threshold). `claim` runs first in the payment's transaction.
   * Errors: those of `pay`, and whatever `claim` throws.
   */
  async payAsAgent(agentId: string, request: PaymentRequest, persist: PersistPayment, claim: ClaimInTx): Promise<AgentPayment> {
    const agent = await this.agents.findById(agentId);
    if (!agent) throw new NotFound('Agent not found', 'agent_not_found');
    if (agent.status !== 'active') throw new Forbidden('The agent is suspended or revoked', 'agent_suspended_or_revoked');
    const draft = await this.draft(agent, request);
    try {
      checkStaticRules(agent.policy, facts(draft), new Date());
      if (needsApproval(agent.policy, draft.amount)) throw approvalRefused();
    } catch (error) {
      await this.decisions.refused(draft, error);
      throw error;
    }
    return this.decisions.execute(agent, draft, persist, { approving: false, mandate: request.mandate, claim });
  }

  /**
   * The owner approves a pending payment: it is paid once, however many approvals race, with
   * the current policy and budgets checked now. Errors: approval_not_found (404),
   * approval_expired (409), approval_not_pending (409), agent_suspended_or_revoked (403), and pay's errors.
   */
  approve(owner: Principal, paymentId: string, persist: PersistPayment): Promise<AgentPayment> {
    return this.approvals.approve(owner, paymentId, persist);
  }

  /** Errors: approval_not_found (404), approval_expired (409), approval_not_pending (409). */
  decline(owner: Principal, paymentId: string): Promise<AgentPayment> {
    return this.approvals.decline(owner, paymentId);
  }

  /** The owner's payments waiting for approval; those past their window are expired first. */
  listApprovals(owner: Principal, limit: number, after?: Cursor): Promise<Page<AgentPayment>> {
    return this.approvals.list(owner, limit, after);
  }

  /**
   * The sweep: expires up to `batchMax` pending payments of any owner whose approval window has
   * passed, so what waits on them (an A2A task) ends without the owner looking. True when more may
   * be waiting. Errors: only the database's.
   */
  expireOverdue(batchMax: number): Promise<boolean> {
    return this.approvals.expireOverdue(batchMax);
  }

  /** The calling agent, its policy and what it has spent today and this month (UTC). */
  async whoAmI(principal: Principal): Promise<{ agent: Agent; spent: { day: bigint; month: bigint } }> {
    const agent = await this.actingAgent(principal);
    const periods = spendPeriods(new Date());
    const spent = await this.payments.readCounters(agent.id, [periods.day, periods.month]);
    return { agent, spent: { day: spent.get(periods.day) ?? 0n, month: spent.get(periods.month) ?? 0n } };
  }

  async listPayments(principal: Principal, limit: number, after?: Cursor): Promise<Page<AgentPayment>> {
    const agent = await this.actingAgent(principal);
    return toPage(await this.payments.listByAgent(agent.id, limit, after), limit);
  }

  /** The agent's decisions, newest first, for its owner. Errors: agent_not_found (404). */
  async auditLog(owner: Principal, agentId: string, limit: number, after?: Cursor): Promise<Page<AuditEntry>> {
    const agent = await this.agents.findById(agentId);
    if (!agent || agent.ownerId !== owner.sub) throw new NotFound('Agent not found', 'agent_not_found');
    return toPage(await this.payments.listAudit(agentId, limit, after), limit);
  }

  private async actingAgent(principal: Principal): Promise<Agent> {
    const agent = principal.role === 'agent' ? await this.agents.findById(principal.sub) : null;
    if (!agent) throw new Forbidden('Only an agent can do this', 'agent_only');
    if (agent.status !== 'active') throw new Forbidden('The agent is suspended or revoked', 'agent_suspended_or_revoked');
    return agent;
  }

  private async draft(agent: Agent, r: PaymentRequest): Promise<AgentPayment> {
    let toWalletId: string;
    let toAgentId: string | null = null;
    if ('agentId' in r.to) {
      const payee = await this.agents.findById(r.to.agentId);
      if (!payee) throw new NotFound('Payee agent not found', 'agent_not_found');
      if (payee.status !== 'active') throw new Conflict('counterparty_not_active', 'The payee agent is suspended or revoked');
      toWalletId = payee.walletId;
      toAgentId = payee.id;
    } else {
      toWalletId = r.to.walletId;
    }
    return {
      id: newId('apm'),
      agentId: agent.id,
      ownerId: agent.ownerId,
      status: 'pending_approval',
      amount: r.amount,
      currency: r.currency,
      fromWalletId: agent.walletId,
      toWalletId,
      toAgentId,
      merchantId: 'merchantId' in r.to ? r.to.merchantId : null,
      memo: r.memo ?? null,
      source: r.source,
      reference: r.reference ?? null,
      policyVersion: agent.policyVersion,
      mandateId: null,
      mandateHash: null,
      transferId: null,
      expiresAt: null,
      decidedAt: null,
      createdAt: new Date(),
    };
  }
}

const approvalRefused = () =>
  new PolicyViolation('approval_threshold', "The amount needs the owner's approval, which a payment credential cannot wait for");
