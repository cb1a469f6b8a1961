import type { Transaction, TransactionRunner } from '../../shared/transaction';
import { AppError, Conflict, Forbidden, PolicyViolation } from '../../shared/errors';
import type { DomainEvent, EventBus } from '../../shared/events';
import type { LedgerService } from '../ledger';
import type { Outbox } from '../../shared/outbox';
import { DuplicateCheckoutPayment, type AgentPayment, type AgentPaymentRepository, type AuditEntry } from './agent-payment.repository';
import { approvalRequested, paymentCompleted, paymentRefused } from './agent-payment.events';
import type { Agent, AgentRepository } from './agent.repository';
import { checkBudgets, checkStaticRules, spendPeriods } from './policy';
import { auditRecord } from './audit-record';

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

/**
 * The writes that decide an agent payment, for the agent's own calls and the owner's approvals
 * alike: paid (policy, budgets and mandate checked again in the posting's transaction), left to
 * wait for the owner, or refused (an audit record and an event, nothing else).
 */
export class PaymentDecisions {
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

  mandateCheck(): MandateCheck {
    if (!this.mandates) throw new Error('Mandates are not configured');
    return this.mandates;
  }

  async execute(
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

  async requestApproval(
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
  async refused(payment: AgentPayment, error: unknown): Promise<void> {
    if (!(error instanceof AppError)) return;
    const rule = error instanceof PolicyViolation ? error.rule : error.kind === 'policy_violation' ? error.code : null;
    const event = paymentRefused(payment, error.code, rule);
    await this.db.transaction(async (tx) => {
      await this.payments.appendAudit(tx, audit(payment, 'refused', rule, `${error.code}: ${error.message}`));
      await this.outbox.enqueue(tx, [event]);
    });
    this.events.publish([event]);
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
}

export function facts(p: AgentPayment) {
  const counterparties = [p.toWalletId, p.toAgentId, p.merchantId].filter((c): c is string => c !== null);
  return { amount: p.amount, currency: p.currency, counterparties };
}

export function audit(p: AgentPayment, decision: AuditEntry['decision'], rule: string | null, reason: string) {
  return auditRecord(p, { currency: p.currency }, p.policyVersion, decision, rule, reason);
}

export const notPending = () => new Conflict('approval_not_pending', 'This payment is no longer waiting for approval');
