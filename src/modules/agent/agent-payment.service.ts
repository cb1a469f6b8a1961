import type { Transaction, TransactionRunner } from '../../shared/transaction';
import { newId } from '../../infra/crypto/ids';
import type { Principal } from '../../shared/principal';
import { AppError, Conflict, Forbidden, NotFound, PolicyViolation } from '../../shared/errors';
import type { DomainEvent, EventBus } from '../../shared/events';
import { toPage, type Cursor, type Page } from '../../shared/pagination';
import type { LedgerService } from '../ledger';
import type { Outbox } from '../../shared/outbox';
import { DuplicateCheckoutPayment, type AgentPayment, type AgentPaymentRepository, type AuditEntry } from './agent-payment.repository';
import { approvalDeclined, approvalExpired, approvalRequested, paymentCompleted, paymentRefused } from './agent-payment.events';
import type { Agent, AgentRepository } from './agent.repository';
import { checkBudgets, checkStaticRules, needsApproval, spendPeriods } from './policy';
import { auditRecord } from './audit-record';

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

/** Checks a signed mandate inside the payment's transaction (to lock its budget); throws to refuse. */
export interface MandateCheck {
  check(tx: Transaction, token: string, payment: AgentPayment, now: Date): Promise<{ mandateId: string; mandateHash: string }>;
  /** Whether the mandate makes every payment wait for the owner (AP2 intent, user_cart_confirmation_required). */
  requiresConfirmation(token: string): boolean;
  /** Gives back what a payment that will never be made (declined, expired) took from the mandate's budget. */
  release(tx: Transaction, mandateHash: string, amount: bigint): Promise<void>;
}

/** Stores the idempotent reply in the transaction that decided the payment. */
export type PersistPayment = (tx: Transaction, payment: AgentPayment) => Promise<void>;

/**
 * Runs first inside the payment's transaction, before the policy's budgets are locked: a trusted
 * caller claims what the payment consumes (a UCP credential, single use) so that racing payments
 * of the same thing wait for each other there and all but one are refused. Throws to refuse.
 */
export type ClaimInTx = (tx: Transaction, payment: AgentPayment) => Promise<void>;

export class AgentPaymentService {
  private mandates?: MandateCheck;

  constructor(
    private readonly db: TransactionRunner,
    private readonly agents: AgentRepository,
    private readonly payments: AgentPaymentRepository,
    private readonly ledger: LedgerService,
    private readonly outbox: Outbox,
    private readonly events: EventBus,
    private readonly options: { approvalTtlMs: number },
  ) {}

  useMandates(mandates: MandateCheck): void {
    this.mandates = mandates;
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
      await this.refused(draft, error);
      throw error;
    }
    if (request.mandate && this.mandateCheck().requiresConfirmation(request.mandate)) {
      return this.requestApproval(draft, now, persist, request.mandate, [
        'mandate_confirmation',
        "the owner's intent mandate asks to confirm each payment",
      ]);
    }
    if (needsApproval(agent.policy, draft.amount)) {
      return this.requestApproval(draft, now, persist, request.mandate, ['approval_threshold', 'amount above the approval threshold']);
    }
    return this.execute(agent, draft, persist, { approving: false, mandate: request.mandate });
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
      await this.refused(draft, error);
      throw error;
    }
    return this.execute(agent, draft, persist, { approving: false, mandate: request.mandate, claim });
  }

  /**
   * The owner approves a pending payment: it is paid once, however many approvals race, with
   * the current policy and budgets checked now. Errors: approval_not_found (404),
   * approval_expired (409), approval_not_pending (409), agent_suspended_or_revoked (403), and pay's errors.
   */
  async approve(owner: Principal, paymentId: string, persist: PersistPayment): Promise<AgentPayment> {
    const pending = await this.ownedPending(owner, paymentId);
    const agent = await this.agents.findById(pending.agentId);
    if (!agent || agent.status !== 'active') throw new Forbidden('The agent is suspended or revoked', 'agent_suspended_or_revoked');
    return this.execute(agent, pending, persist, { approving: true });
  }

  /** Errors: approval_not_found (404), approval_expired (409), approval_not_pending (409). */
  async decline(owner: Principal, paymentId: string): Promise<AgentPayment> {
    await this.ownedPending(owner, paymentId);
    const { declined, told } = await this.db.transaction(async (tx) => {
      const closed = await this.payments.closePending(tx, paymentId, 'declined');
      if (!closed) throw notPending();
      if (closed.mandateHash) await this.mandateCheck().release(tx, closed.mandateHash, closed.amount);
      await this.payments.appendAudit(tx, audit(closed, 'declined', null, 'declined by the owner'));
      const event = approvalDeclined(closed);
      await this.outbox.enqueue(tx, [event]);
      return { declined: closed, told: event };
    });
    this.events.publish([told]);
    return declined;
  }

  /** The owner's payments waiting for approval; those past their window are expired first. */
  async listApprovals(owner: Principal, limit: number, after?: Cursor): Promise<Page<AgentPayment>> {
    await this.expireDue(owner.sub);
    return toPage(await this.payments.listPendingByOwner(owner.sub, limit, after), limit);
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

  private async execute(
    agent: Agent,
    draft: AgentPayment,
    persist: PersistPayment,
    o: { approving: boolean; mandate?: string; claim?: ClaimInTx },
  ) {
    // Assigned, not appended: the ledger may run the transaction again after a deadlock.
    let told: DomainEvent[] = [];
    let result: AgentPayment | undefined;
    let checked = { ...draft, policyVersion: agent.policyVersion };
    const now = new Date();
    try {
      // The agent acts for its owner, from its bound wallet only; its policy is checked in the guard.
      await this.ledger.transferForOwner(
        agent.ownerId,
        {
          fromWalletId: agent.walletId,
          toWalletId: draft.toWalletId,
          amount: draft.amount,
          currency: draft.currency,
          description: draft.memo ?? `agent ${agent.id}`,
        },
        {
          type: 'agent_payment',
          metadata: { agentId: agent.id, agentPaymentId: draft.id, source: draft.source },
          guard: async (tx) => {
            if (o.claim) await o.claim(tx, draft);
            const current = await this.agents.findById(agent.id, tx);
            if (!current || current.status !== 'active')
              throw new Forbidden('The agent is suspended or revoked', 'agent_suspended_or_revoked');
            checked = { ...draft, policyVersion: current.policyVersion };
            if (o.approving && (await this.payments.lock(tx, draft.id))?.status !== 'pending_approval') throw notPending();
            checkStaticRules(current.policy, facts(draft), now);
            const periods = spendPeriods(now);
            const spent = await this.payments.lockCounters(tx, agent.id, [periods.day, periods.month]);
            checkBudgets(current.policy, draft.amount, { day: spent.get(periods.day) ?? 0n, month: spent.get(periods.month) ?? 0n });
            await this.payments.addToCounters(tx, agent.id, [periods.day, periods.month], draft.amount);
            if (o.mandate) checked = { ...checked, ...(await this.mandateCheck().check(tx, o.mandate, checked, now)) };
          },
          inTx: async (tx, posted) => {
            const payment: AgentPayment = { ...checked, status: 'completed', transferId: posted.transfer.id, decidedAt: now };
            if (o.approving) await this.payments.complete(tx, payment.id, payment.transferId!, payment.policyVersion);
            else await this.insert(tx, payment);
            await this.payments.appendAudit(tx, audit(payment, 'allowed', null, o.approving ? 'approved by the owner' : 'within policy'));
            told = [paymentCompleted(payment)];
            await this.outbox.enqueue(tx, told);
            await persist(tx, payment);
            result = payment;
          },
        },
      );
    } catch (error) {
      if (!(error instanceof Conflict && error.code === 'approval_not_pending')) await this.refused(checked, error);
      throw error;
    }
    this.events.publish(told);
    return result!;
  }

  private async requestApproval(
    draft: AgentPayment,
    now: Date,
    persist: PersistPayment,
    mandate: string | undefined,
    [rule, reason]: [rule: string, reason: string],
  ) {
    const pending: AgentPayment = { ...draft, status: 'pending_approval', expiresAt: new Date(now.getTime() + this.options.approvalTtlMs) };
    const event = approvalRequested(pending);
    try {
      await this.db.transaction(async (tx) => {
        if (mandate) Object.assign(pending, await this.mandateCheck().check(tx, mandate, pending, now));
        await this.insert(tx, pending);
        await this.payments.appendAudit(tx, audit(pending, 'pending_approval', rule, reason));
        await this.outbox.enqueue(tx, [event]);
        await persist(tx, pending);
      });
    } catch (error) {
      // A mandate can refuse a payment that would wait for approval: a refusal like any other.
      await this.refused(pending, error);
      throw error;
    }
    this.events.publish([event]);
    return pending;
  }

  /**
   * A refusal writes nothing but its audit record and event, outside the rolled-back transaction.
   * A refusal by the owner's limits names what refused as its `rule`: the policy rule, or the code of
   * a mandate refusal (mandate_exhausted, ...). Other refusals (insufficient funds, a closed wallet)
   * have none, so `rule !== null` is what monitoring and analytics count as a policy refusal.
   */
  private async refused(payment: AgentPayment, error: unknown): Promise<void> {
    if (!(error instanceof AppError)) return;
    const rule = error instanceof PolicyViolation ? error.rule : error.kind === 'policy_violation' ? error.code : null;
    const event = paymentRefused(payment, error.code, rule);
    await this.db.transaction(async (tx) => {
      await this.payments.appendAudit(tx, audit(payment, 'refused', rule, `${error.code}: ${error.message}`));
      await this.outbox.enqueue(tx, [event]);
    });
    this.events.publish([event]);
  }

  private async ownedPending(owner: Principal, paymentId: string): Promise<AgentPayment> {
    const payment = await this.payments.findById(paymentId);
    if (!payment || payment.ownerId !== owner.sub) throw new NotFound('Approval not found', 'approval_not_found');
    if (payment.status !== 'pending_approval') throw notPending();
    if (payment.expiresAt && payment.expiresAt <= new Date()) {
      await this.expireDue(owner.sub);
      throw new Conflict('approval_expired', 'The approval window of this payment has passed');
    }
    return payment;
  }

  /**
   * The sweep: expires up to `batchMax` pending payments of any owner whose approval window has
   * passed, so what waits on them (an A2A task) ends without the owner looking. True when more may
   * be waiting. Errors: only the database's.
   */
  async expireOverdue(batchMax: number): Promise<boolean> {
    const told = await this.db.transaction(async (tx) =>
      this.closeExpired(tx, await this.payments.expireOverdue(tx, new Date(), batchMax)),
    );
    this.events.publish(told);
    return told.length === batchMax;
  }

  private async expireDue(ownerId: string): Promise<void> {
    const told = await this.db.transaction(async (tx) => this.closeExpired(tx, await this.payments.expireDue(tx, ownerId, new Date())));
    this.events.publish(told);
  }

  /** What an expiry releases and records, in its transaction; the events to publish after it commits. */
  private async closeExpired(tx: Transaction, expired: AgentPayment[]) {
    const events = expired.map(approvalExpired);
    for (const payment of expired) {
      if (payment.mandateHash) await this.mandateCheck().release(tx, payment.mandateHash, payment.amount);
      await this.payments.appendAudit(tx, audit(payment, 'expired', null, 'not approved in time'));
    }
    await this.outbox.enqueue(tx, events);
    return events;
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

  private async insert(tx: Transaction, payment: AgentPayment): Promise<void> {
    try {
      await this.payments.insert(tx, payment);
    } catch (error) {
      if (!(error instanceof DuplicateCheckoutPayment)) throw error;
      throw new Conflict('checkout_already_paid', 'This checkout was already paid (or waits for approval)', {
        reference: payment.reference,
      });
    }
  }

  private mandateCheck(): MandateCheck {
    if (!this.mandates) throw new Error('Mandates are not configured');
    return this.mandates;
  }
}

function facts(p: AgentPayment) {
  const counterparties = [p.toWalletId, p.toAgentId, p.merchantId].filter((c): c is string => c !== null);
  return { amount: p.amount, currency: p.currency, counterparties };
}

function audit(p: AgentPayment, decision: AuditEntry['decision'], rule: string | null, reason: string) {
  return auditRecord(p, { currency: p.currency }, p.policyVersion, decision, rule, reason);
}

const approvalRefused = () =>
  new PolicyViolation('approval_threshold', "The amount needs the owner's approval, which a payment credential cannot wait for");

const notPending = () => new Conflict('approval_not_pending', 'This payment is no longer waiting for approval');
