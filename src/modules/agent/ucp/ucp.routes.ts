import type { RequestHandler } from 'express';
import type { Api, Reply } from '../../../http/api';
import { agentPaymentView, paymentReply } from '../agent-payment.schemas';
import type { CheckoutOutcome, UcpService } from './ucp.service';
import { checkoutPayBody, checkoutReplyView, intentBody, UCP_VERSION } from './ucp.schemas';

const STATUS: Record<CheckoutOutcome['kind'], number> = { completed: 201, pending_approval: 202, refused: 422 };
const checkoutReply = (o: CheckoutOutcome): Reply => ({ status: STATUS[o.kind], body: o.checkout });

export function ucpRoutes(api: Api, ucp: UcpService, limits: { payment: RequestHandler }): void {
  api.route({
    method: 'post',
    path: '/ucp/checkout/pay',
    summary: `Pay a UCP checkout (version ${UCP_VERSION}) from the calling agent's wallet, under its policy`,
    tags: ['ucp'],
    permission: 'agent:pay',
    idempotent: true,
    before: [limits.payment],
    body: checkoutPayBody,
    responses: {
      201: { description: 'The checkout, completed, with its order', schema: checkoutReplyView },
      202: { description: "complete_in_progress: waiting for the owner's approval", schema: checkoutReplyView },
      422: { description: 'Not paid: the checkout with UCP messages[] saying why', schema: checkoutReplyView },
    },
    handler: async ({ body, principal, persistReply }) =>
      checkoutReply(await ucp.payCheckout(principal, body, (tx, o) => persistReply(tx, checkoutReply(o)))),
  });

  api.route({
    method: 'post',
    path: '/ucp/process',
    summary: 'Pay from a compact intent payload (value in major units)',
    tags: ['ucp'],
    permission: 'agent:pay',
    idempotent: true,
    before: [limits.payment],
    body: intentBody,
    responses: {
      201: { description: 'Paid', schema: agentPaymentView },
      202: { description: 'Waiting for approval', schema: agentPaymentView },
    },
    handler: async ({ body, principal, persistReply }) =>
      paymentReply(await ucp.processIntent(principal, body, (tx, p) => persistReply(tx, paymentReply(p)))),
  });
}
