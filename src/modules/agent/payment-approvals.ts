import type { Transaction, TransactionRunner } from '../../shared/transaction';
import type { Principal } from '../../shared/principal';
import { Conflict, Forbidden, NotFound } from '../../shared/errors';
import type { EventBus } from '../../shared/events';
import { toPage, type Cursor, type Page } from '../../shared/pagination';
import type { Outbox } from '../../shared/outbox';
import type { AgentPayment, AgentPaymentRepository } from './agent-payment.repository';
import { approvalDeclined, approvalExpired } from './agent-payment.events';
import type { AgentRepository } from './agent.repository';
import { audit, notPending, type PaymentDecisions, type PersistPayment } from './payment-decisions';

/**
 * The owner's side of the payments that wait: approving one (paid once, however many approvals
 * race), declining it, and expiring those not approved in time.
 */
export class PaymentApprovals {
  constructor(
    private readonly db: TransactionRunner,
    private readonly agents: AgentRepository,
    private readonly payments: AgentPaymentRepository,
    private readonly outbox: Outbox,
    private readonly events: EventBus,
    private readonly decisions: PaymentDecisions,
  ) {}

  /**
   * The owner approves a pending payment: it is paid once, however many approvals race, with
   * the current policy and budgets checked now. Errors: approval_not_found (404),
   * approval_expired (409), approval_not_pending (409), agent_suspended_or_revoked (403), and pay's errors.
   */
  async approve(owner: Principal, paymentId: string, persist: PersistPayment): Promise<AgentPayment> {
    const pending = await this.ownedPending(owner, paymentId);
    const agent = await this.agents.findById(pending.agentId);
    if (!agent || agent.status !== 'active') throw new Forbidden('The agent is suspended or revoked', 'agent_suspended_or_revoked');
    return this.decisions.execute(agent, pending, persist, { approving: true });
  }

  /** Errors: approval_not_found (404), approval_expired (409), approval_not_pending (409). */
  async decline(owner: Principal, paymentId: string): Promise<AgentPayment> {
    await this.ownedPending(owner, paymentId);
    const { declined, told } = await this.db.transaction(async (tx) => {
      const closed = await this.payments.closePending(tx, paymentId, 'declined');
      if (!closed) throw notPending();
      if (closed.mandateHash) await this.decisions.mandateCheck().release(tx, closed.mandateHash, closed.amount);
      await this.payments.appendAudit(tx, audit(closed, 'declined', null, 'declined by the owner'));
      const event = approvalDeclined(closed);
      await this.outbox.enqueue(tx, [event]);
      return { declined: closed, told: event };
    });
    this.events.publish([told]);
    return declined;
  }

  /** The owner's payments waiting for approval; those past their window are expired first. */
  async list(owner: Principal, limit: number, after?: Cursor): Promise<Page<AgentPayment>> {
    await this.expireDue(owner.sub);
    return toPage(await this.payments.listPendingByOwner(owner.sub, limit, after), limit);
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
      if (payment.mandateHash) await this.decisions.mandateCheck().release(tx, payment.mandateHash, payment.amount);
      await this.payments.appendAudit(tx, audit(payment, 'expired', null, 'not approved in time'));
    }
    await this.outbox.enqueue(tx, events);
    return events;
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
}
