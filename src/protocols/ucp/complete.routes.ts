import type { RequestHandler } from 'express';
import type { Api, Reply } from '../../http/api';
import type { CheckoutCompletionService } from '../../modules/merchant';
import type { CompleteGuard } from './complete-guard';
import { reply, type CheckoutAnswers } from './checkout.routes';
import { checkoutParams, checkoutView, ucpAgentHeaders, completeCheckoutBody } from './checkout.schemas';
import { readUcpAgentProfile } from './ucp-agent';
import { UCP_VERSION } from './ucp-version';

/**
 * UCP Complete Checkout at a merchant's endpoint: pays the session's total with the platform's OCP
 * wallet instrument (`payment_data.credential.token`, redeemed in-process for exactly this merchant,
 * checkout, total and currency) and places the order in the same transaction. Rate-limited per
 * client address: completing spends a credential.
 */
export function completeRoutes(
  api: Api,
  completion: CheckoutCompletionService,
  answers: CheckoutAnswers,
  guard: CompleteGuard,
  limiter: RequestHandler,
): void {
  api.route({
    method: 'post',
    path: '/:merchantId/checkout-sessions/:id/complete',
    summary: `UCP ${UCP_VERSION} Complete Checkout: pay with an OCP wallet credential and place the order, once`,
    tags: ['ucp'],
    public: true,
    idempotent: 'optional',
    before: [limiter],
    params: checkoutParams,
    headers: ucpAgentHeaders,
    body: completeCheckoutBody,
    responses: { 200: { description: 'The completed checkout, with its order', schema: checkoutView } },
    handler: async ({ params, body, headers, persistReply }) => {
      readUcpAgentProfile(headers['ucp-agent']);
      let checked: unknown;
      const instrument = { handlerId: body.payment_data.handler_id, token: body.payment_data.credential?.token };
      return completion.complete<Reply>(params.merchantId, params.id, instrument, {
        check: async (current) => {
          checked = await guard.check(current, body);
        },
        answer: async (completed) => reply(200, await answers.render(completed)),
        inTx: async (tx, answer, paid) => {
          await guard.inTx(tx, checked, paid);
          await persistReply(tx, answer);
        },
      });
    },
  });
}
