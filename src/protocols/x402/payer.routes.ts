import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { Api } from '../../http/api';
import { positiveAmount } from '../../shared/money/money';
import type { X402Payer } from './payer';
import { fetchTarget, x402PayReply as payReply, x402PayView } from './pay.schemas';

const payBody = z
  .object({
    ...fetchTarget,
    method: fetchTarget.method.default('GET'),
    maxAmount: positiveAmount.meta({ description: "The most to pay for this request, in the token's base units" }),
  })
  .strict();

const payView = x402PayView.meta({ id: 'X402PayResult' });

export function x402PayerRoutes(api: Api, payer: X402Payer, limits: { payment: RequestHandler }): void {
  api.route({
    method: 'post',
    path: '/x402/pay',
    summary: "Fetch a URL for the calling agent, paying its x402 challenge from the agent's chain wallet under its policy",
    tags: ['x402'],
    permission: 'agent:pay',
    // A paid answer is stored under the key with the payment's record: a retry replays it, never signs again.
    // A payment whose answer was lost stays bound to the key: a retry sends that same payment again.
    idempotent: true,
    before: [limits.payment],
    body: payBody,
    responses: {
      200: { description: "The URL's answer (after payment, when it asked for one) and the payment", schema: payView },
      403: { description: 'The policy refuses the payment (policy_violation, details.rule); nothing was signed' },
      409: {
        description:
          'x402_payment_unresolved: a retry of a key whose signed payment has no known outcome, sent again and not served; nothing new was signed',
      },
      422: { description: 'No payable requirement, above maxAmount, or not an x402 challenge; nothing was signed' },
    },
    handler: async ({ body, principal, headers, persistReply }) => {
      // The key as the Api scopes it (callerScope: the caller's id): a signed payment stays bound to it.
      const key = { scope: principal.sub, key: headers['idempotency-key'] as string };
      return payReply(await payer.pay(principal, body, key, (tx, result) => persistReply(tx, payReply(result))));
    },
  });
}
