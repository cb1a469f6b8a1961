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

/**
 * Every refused attempt, told once, before or inside the ledger. `rule` names the policy rule or
 * mandate check that refused; it is null when the refusal was not the owner's limits.
 */
export const paymentRefused = (p: AgentPayment, code: string, rule: string | null) =>
  newEvent('agent.payment.refused', p.ownerId, { ...paymentSummary(p), status: 'refused', code, rule });
