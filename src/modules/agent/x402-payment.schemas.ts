import { z } from 'zod';
import type { AgentX402Payment } from './x402-payment.repository';

/** An x402 payment OCP signed for an agent, as the API shows it (authorization nonce and owner left out). */
export const x402PaymentView = z
  .object({
    id: z.string(),
    agentId: z.string(),
    url: z.string(),
    asset: z.string().meta({ description: 'eip155:<chainId>/erc20:<token address, lowercase>' }),
    payTo: z.string(),
    amount: z.string().meta({ description: "In the token's base units" }),
    status: z.enum(['signed', 'paid', 'refused_by_server', 'expired']).meta({
      description:
        "signed: sent, outcome unknown; paid: served (2xx); refused_by_server: not served; expired: never settled and past its authorization's window on chain, so it never can (its budget was given back)",
    }),
    httpStatus: z.number().int().nullable().meta({ description: "The paid request's answer status" }),
    settlementTx: z.string().nullable().meta({ description: "The settlement's transaction hash, from the server's PAYMENT-RESPONSE" }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'AgentX402Payment' });

export const x402PaymentPageView = z.object({ data: z.array(x402PaymentView), nextCursor: z.string().nullable() });

export function toX402PaymentView(p: AgentX402Payment): z.infer<typeof x402PaymentView> {
  return {
    id: p.id,
    agentId: p.agentId,
    url: p.url,
    asset: p.asset,
    payTo: p.payTo,
    amount: p.amount.toString(),
    status: p.status,
    httpStatus: p.httpStatus,
    settlementTx: p.settlementTx,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}
