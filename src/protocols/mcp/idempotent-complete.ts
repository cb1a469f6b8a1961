import { idempotencyRequestHash, toJson } from '../../http/api';
import { OCP_HANDLER_ID, type AgentModule } from '../../modules/agent';
import type { IdempotencyService } from '../../modules/idempotency';
import type { CheckoutCompletionService, CheckoutResult } from '../../modules/merchant';
import type { Principal } from '../../shared/principal';
import { Ap2Refused, ap2InForce, type CheckoutResponse } from '../ucp';

/** What the key of a complete_checkout is hashed under: no REST route is this operation, so its own name. */
export const COMPLETE_CHECKOUT_OPERATION = '/mcp/tools/complete_checkout';

export interface CompleteCheckoutDeps {
  idempotency: IdempotencyService;
  credentials: AgentModule['credentials'];
  completion: CheckoutCompletionService;
  render: (result: CheckoutResult) => Promise<CheckoutResponse>;
}

export interface CompleteOutcome {
  checkout: CheckoutResponse;
  payment_id: string;
  replayed: boolean;
}

/**
 * The UCP buyer's Complete Checkout, paid from the agent's wallet: a credential for exactly the
 * session's total as OCP holds it now (never an amount from the caller), then the merchant module's
 * complete, which redeems it in the payment's transaction and places the order there. The reply is
 * stored under the key in that same transaction, so a retry or a concurrent call with one key
 * completes once (the others replay it or get idempotency_in_flight), like `pay`. Should the session
 * change between the read and the complete, the credential no longer matches its total and nothing
 * is paid (credential_mismatch or checkout_changed).
 * Errors: idempotency_conflict (422), idempotency_in_flight (409), mandate_required (AP2 merchants:
 * the agent cannot sign a checkout mandate here), those of readyToComplete, of credential issue
 * (policy_violation, insufficient_funds at redeem, ...) and of CheckoutCompletionService.complete.
 */
export async function completeIdempotently(
  d: CompleteCheckoutDeps,
  principal: Principal,
  r: { merchantId: string; checkoutId: string; idempotencyKey: string },
): Promise<CompleteOutcome> {
  const hash = idempotencyRequestHash('POST', COMPLETE_CHECKOUT_OPERATION, { merchant_id: r.merchantId, checkout_id: r.checkoutId });
  const stored = await d.idempotency.storedReply(principal.sub, r.idempotencyKey, hash);
  if (stored) return { ...(JSON.parse(stored.body) as Omit<CompleteOutcome, 'replayed'>), replayed: true };
  const claim = await d.idempotency.claim(principal.sub, r.idempotencyKey, hash);
  try {
    const current = await d.completion.readyToComplete(r.merchantId, r.checkoutId);
    refuseAp2(current);
    const { session } = current;
    const { token } = await d.credentials.issue(principal, {
      merchantId: r.merchantId,
      checkoutId: r.checkoutId,
      amount: session.totalMinor,
      currency: session.currency,
    });
    let outcome: Omit<CompleteOutcome, 'replayed'> | undefined;
    await d.completion.complete(
      r.merchantId,
      r.checkoutId,
      { handlerId: OCP_HANDLER_ID, token },
      {
        // Again on the session complete reads: the merchant may have started requiring AP2 meanwhile.
        check: async (now) => refuseAp2(now),
        answer: (completed) => d.render(completed),
        inTx: async (tx, checkout, paid) => {
          outcome = { checkout, payment_id: paid.paymentId };
          await claim.persist(tx, { status: 200, body: toJson(outcome) });
        },
      },
    );
    return { ...outcome!, replayed: false };
  } finally {
    await claim.release();
  }
}

/** A merchant requiring AP2 wants a checkout mandate signed by the agent's owner: an MCP call cannot carry one. */
function refuseAp2(current: CheckoutResult): void {
  if (ap2InForce(current.merchant)) {
    throw new Ap2Refused(
      'mandate_required',
      "This merchant requires AP2 checkout mandates: complete at its UCP endpoint with the owner's ap2.checkout_mandate",
    );
  }
}
