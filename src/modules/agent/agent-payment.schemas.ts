import { z } from 'zod';
import { resourceId as id } from '../../http/params';
import { currencyCode, positiveAmount } from '../../shared/money/money';
import type { AgentPayment, AuditEntry } from './agent-payment.repository';

export const a2aTransferBody = z
  .object({
    to: z.union([z.object({ agentId: id }).strict(), z.object({ walletId: id }).strict()]),
    amount: positiveAmount,
    currency: currencyCode,
    memo: z.string().trim().max(500).optional(),
    mandate: z.string().min(1).max(8192).optional().meta({ description: 'A signed owner mandate (compact JWS, ES256)' }),
  })
  .strict();

/** An agent payment as the API shows it; the MCP tools answer with the same fields (no OpenAPI id there). */
export const agentPaymentFields = z.object({
  id: z.string(),
  agentId: z.string(),
  status: z.enum(['completed', 'pending_approval', 'declined', 'expired']),
  amount: z.string(),
  currency: z.string(),
  fromWalletId: z.string(),
  toWalletId: z.string(),
  toAgentId: z.string().nullable(),
  merchantId: z.string().nullable(),
  memo: z.string().nullable(),
  source: z.string(),
  reference: z.string().nullable(),
  policyVersion: z.number().int(),
  mandateId: z.string().nullable(),
  mandateHash: z.string().nullable(),
  transferId: z.string().nullable(),
  expiresAt: z.string().nullable(),
  createdAt: z.string(),
});

export const agentPaymentView = agentPaymentFields.meta({ id: 'AgentPayment' });

export const agentPaymentPageView = z.object({ data: z.array(agentPaymentView), nextCursor: z.string().nullable() });

export const auditEntryView = z.object({
  id: z.string(),
  paymentId: z.string().nullable(),
  decision: z.string(),
  rule: z.string().nullable(),
  reason: z.string(),
  policyVersion: z.number().int().nullable(),
  amount: z.string().nullable(),
  currency: z.string().nullable(),
  asset: z
    .string()
    .nullable()
    .meta({ description: 'x402 payments: the token (eip155:<chainId>/erc20:<address>); amount is in its base units' }),
  createdAt: z.string(),
});

export const auditPageView = z.object({ data: z.array(auditEntryView), nextCursor: z.string().nullable() });

export function toAgentPaymentView(p: AgentPayment) {
  return {
    id: p.id,
    agentId: p.agentId,
    status: p.status,
    amount: p.amount.toString(),
    currency: p.currency,
    fromWalletId: p.fromWalletId,
    toWalletId: p.toWalletId,
    toAgentId: p.toAgentId,
    merchantId: p.merchantId,
    memo: p.memo,
    source: p.source,
    reference: p.reference,
    policyVersion: p.policyVersion,
    mandateId: p.mandateId,
    mandateHash: p.mandateHash,
    transferId: p.transferId,
    expiresAt: p.expiresAt?.toISOString() ?? null,
    createdAt: p.createdAt.toISOString(),
  };
}

export function toAuditEntryView(e: AuditEntry) {
  return {
    id: e.id,
    paymentId: e.paymentId,
    decision: e.decision,
    rule: e.rule,
    reason: e.reason,
    policyVersion: e.policyVersion,
    amount: e.amount?.toString() ?? null,
    currency: e.currency,
    asset: e.asset,
    createdAt: e.createdAt.toISOString(),
  };
}

/** Paid: 201. Waiting for the owner: 202, nothing moved yet. */
export const paymentReply = (p: AgentPayment) => ({ status: p.status === 'completed' ? 201 : 202, body: toAgentPaymentView(p) });
