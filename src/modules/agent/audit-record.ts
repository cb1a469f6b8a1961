import type { AgentDecision, AuditRecord } from './agent-payment.repository';

/** What the audit log keeps of the payment a decision is about; a refused one was never stored, its id is the attempt's reference. */
interface AuditedPayment {
  id: string;
  agentId: string;
  ownerId: string;
  amount: bigint;
}

/** The audit record of one decision: on a payment in a currency (transfers) or in a token (x402, base units). */
export function auditRecord(
  p: AuditedPayment,
  money: { currency: string } | { asset: string },
  policyVersion: number,
  decision: AgentDecision,
  rule: string | null,
  reason: string,
): AuditRecord {
  return {
    agentId: p.agentId,
    ownerId: p.ownerId,
    paymentId: p.id,
    decision,
    rule,
    reason,
    policyVersion,
    amount: p.amount,
    currency: 'currency' in money ? money.currency : null,
    asset: 'asset' in money ? money.asset : null,
  };
}
