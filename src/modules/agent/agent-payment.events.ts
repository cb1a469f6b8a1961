import { newEvent } from '../../shared/events';
import type { AgentPayment } from './agent-payment.repository';

/** What receivers of agent events get: the payment, amounts as strings of minor units. */
export function paymentSummary(p: AgentPayment) {
  return {
    paymentId: p.id,
    agentId: p.agentId,
    status: p.status,
    amount: p.amount.toString(),
    currency: p.currency,
    toWalletId: p.toWalletId,
    toAgentId: p.toAgentId,
    merchantId: p.merchantId,
    policyVersion: p.policyVersion,
    transferId: p.transferId,
  };
}

export const paymentCompleted = (p: AgentPayment) => newEvent('agent.payment.completed', p.ownerId, paymentSummary(p));

export const approvalRequested = (p: AgentPayment) =>
  newEvent('agent.approval.requested', p.ownerId, { ...paymentSummary(p), expiresAt: p.expiresAt?.toISOString() ?? null });

/** The owner declined a payment that waited for approval: nothing moved, and nothing will. */
export const approvalDeclined = (p: AgentPayment) => newEvent('agent.approval.declined', p.ownerId, paymentSummary(p));

/** A payment's approval window passed without a decision: nothing moved, and nothing will. */
export const approvalExpired = (p: AgentPayment) => newEvent('agent.approval.expired', p.ownerId, paymentSummary(p));

/**
 * Every refused attempt, told once, before or inside the ledger. `rule` names the policy rule or
 * mandate check that refused; it is null when the refusal was not the owner's limits.
 */
export const paymentRefused = (p: AgentPayment, code: string, rule: string | null) =>
  newEvent('agent.payment.refused', p.ownerId, { ...paymentSummary(p), status: 'refused', code, rule });
