import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { Api, Reply } from '../../http/api';
import { positiveAmount } from '../../shared/money/money';
import { toX402PaymentView, x402PaymentView } from '../../modules/agent';
import type { PayResult, X402Payer } from './payer';

const payBody = z
  .object({
    url: z
      .string()
      .max(2048)
      .regex(/^https?:\/\//, 'must be an http or https URL')
      .refine((u) => URL.canParse(u), 'must be a URL'),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
    body: z.string().max(65_536).optional().meta({ description: 'Sent as is, as application/json' }),
    maxAmount: positiveAmount.meta({ description: "The most to pay for this request, in the token's base units" }),
  })
  .strict();

// The payment as GET /x402/payments lists it.
const payView = z.object({ status: z.number().int(), body: z.string(), payment: x402PaymentView.nullable() }).meta({ id: 'X402PayResult' });

const payReply = (result: PayResult): Reply => ({
  status: 200,
  body: { status: result.status, body: result.body, payment: result.payment && toX402PaymentView(result.payment) },
});

export function x402PayerRoutes(api: Api, payer: X402Payer, limits: { payment: RequestHandler }): void {
  api.route({
    method: 'post',
    path: '/x402/pay',
    summary: "Fetch a URL for the calling agent, paying its x402 challenge from the agent's chain wallet under its policy",
    tags: ['x402'],
    permission: 'agent:pay',
    // A paid answer is stored under the key with the payment's record: a retry replays it, never signs again.
    idempotent: true,
    before: [limits.payment],
    body: payBody,
    responses: {
      200: { description: "The URL's answer (after payment, when it asked for one) and the payment", schema: payView },
      403: { description: 'The policy refuses the payment (policy_violation, details.rule); nothing was signed' },
      422: { description: 'No payable requirement, above maxAmount, or not an x402 challenge; nothing was signed' },
    },
    handler: async ({ body, principal, persistReply }) =>
      payReply(await payer.pay(principal, { ...body, maxAmount: body.maxAmount }, (tx, result) => persistReply(tx, payReply(result)))),
  });
}
