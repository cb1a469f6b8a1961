import { idempotencyRequestHash, toJson } from '../../http/api';
import { paymentReply, type AgentModule } from '../../modules/agent';
import type { IdempotencyService } from '../../modules/idempotency';
import type { Principal } from '../../shared/principal';

/** The REST operation the `pay` tool is: its key, hash and stored reply are that route's. */
export const A2A_TRANSFERS_PATH = '/api/v1/a2a/transfers';

export interface PayRequest {
  to: { agentId: string } | { walletId: string };
  amount: bigint;
  currency: string;
  memo?: string;
  mandate?: string;
  idempotencyKey: string;
}

export interface PayOutcome {
  /** The AgentPayment view, as POST /api/v1/a2a/transfers answers it. */
  payment: Record<string, unknown>;
  replayed: boolean;
}

/**
 * An agent payment under an idempotency key, exactly as POST /api/v1/a2a/transfers makes it: the
 * key is scoped to the agent, the hash is that route's for the same body, the reply is stored in the
 * payment's own transaction and the policy, budgets and posting are AgentPaymentService.pay's. So a
 * retry, a concurrent call or the same payment sent once over REST and once over MCP moves money once.
 * Errors: idempotency_conflict (422: the key was used for another payment), idempotency_in_flight
 * (409: the first call is still running), and those of AgentPaymentService.pay.
 */
export async function payIdempotently(
  idempotency: IdempotencyService,
  payments: AgentModule['payments'],
  principal: Principal,
  r: PayRequest,
): Promise<PayOutcome> {
  const extras = { ...(r.memo ? { memo: r.memo } : {}), ...(r.mandate ? { mandate: r.mandate } : {}) };
  const restBody = { to: r.to, amount: r.amount.toString(), currency: r.currency, ...extras };
  const hash = idempotencyRequestHash('POST', A2A_TRANSFERS_PATH, restBody);
  const stored = await idempotency.storedReply(principal.sub, r.idempotencyKey, hash);
  if (stored) return { payment: JSON.parse(stored.body) as Record<string, unknown>, replayed: true };
  const claim = await idempotency.claim(principal.sub, r.idempotencyKey, hash);
  try {
    const request = { to: r.to, amount: r.amount, currency: r.currency, source: 'mcp', ...extras };
    const paid = await payments.pay(principal, request, async (tx, p) => {
      const reply = paymentReply(p);
      await claim.persist(tx, { status: reply.status, body: toJson(reply.body) });
    });
    return { payment: paymentReply(paid).body, replayed: false };
  } finally {
    await claim.release();
  }
}
