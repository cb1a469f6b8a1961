import type { CheckoutService } from '../../modules/merchant';
import { checkoutResult, completeCheckoutArgs, completeCheckoutResult, createCheckoutArgs } from './checkout.schemas';
import { completeIdempotently, type CompleteCheckoutDeps } from './idempotent-complete';
import type { McpToolRegistrar } from './mcp.tools';
import { runTool } from './tool-results';

export interface CheckoutToolDeps extends Omit<CompleteCheckoutDeps, 'idempotency' | 'credentials'> {
  checkouts: CheckoutService;
  /**
   * What a session records as the UCP-Agent profile of its platform: the MCP server's URL. The
   * platform creating it is OCP's MCP server; the agent's id stays out of the merchant's records.
   */
  platformProfile: string;
}

/**
 * The UCP buyer flow at OCP's own merchants (issue #17 item 5): the same services as the business
 * endpoint /ucp/{merchantId}/checkout-sessions, the same checkout response, paid from the agent's wallet.
 */
export function checkoutTools(d: CheckoutToolDeps): McpToolRegistrar {
  return (server, { account, services, idempotency, logger }) => {
    server.registerTool(
      'create_checkout',
      {
        title: 'Create a UCP checkout',
        description:
          'Opens a UCP checkout session at an OCP merchant, priced from its catalog (never from the caller). Problems with the cart (an unknown product, not enough stock) are in the checkout\'s messages and its status stays "incomplete"; "ready_for_complete" means complete_checkout can pay it. Moves nothing. Amounts are UCP\'s: integers of minor units.',
        inputSchema: createCheckoutArgs,
        outputSchema: checkoutResult,
        annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
      },
      (args) =>
        runTool('create_checkout', logger, async () => {
          const lines = args.line_items.map((l) => ({ itemId: l.item_id, quantity: l.quantity }));
          const request = { lines, ...(args.buyer ? { buyer: args.buyer } : {}) };
          const checkout = await d.checkouts.create(args.merchant_id, request, d.platformProfile, {
            answer: d.render,
            inTx: async () => {},
          });
          return { checkout };
        }),
    );

    server.registerTool(
      'complete_checkout',
      {
        title: 'Pay and complete a UCP checkout',
        description:
          "Pays a checkout's current total from the agent's wallet, under its owner's policy, and places the order, once. The amount is the session's as the merchant prices it; none is taken from the caller. A refusal names its code (policy_violation with details.rule, insufficient_funds, checkout_not_ready, mandate_required, ...). Send a new idempotency_key per purchase and the same one on a retry.",
        inputSchema: completeCheckoutArgs,
        outputSchema: completeCheckoutResult,
        annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
      },
      (args) =>
        runTool('complete_checkout', logger, async () => {
          const deps = { ...d, idempotency, credentials: services.credentials };
          const request = { merchantId: args.merchant_id, checkoutId: args.checkout_id, idempotencyKey: args.idempotency_key };
          return { ...(await completeIdempotently(deps, account.principal, request)) };
        }),
    );
  };
}
