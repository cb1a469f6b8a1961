import type { Api, Reply } from '../../http/api';
import type { CheckoutResult, CheckoutService, WriteHooks } from '../../modules/merchant';
import { ValidationFailed } from '../../shared/errors';
import type { Transaction } from '../../shared/transaction';
import {
  checkoutParams,
  checkoutView,
  createCheckoutBody,
  merchantParams,
  toCheckoutRequest,
  ucpAgentHeaders,
  updateCheckoutBody,
} from './checkout.schemas';
import { readUcpAgentProfile } from './ucp-agent';
import { UCP_VERSION } from './ucp-version';

const tags = ['ucp'];
const UCP_AGENT = 'UCP-Agent: profile="<platform profile URI>" (RFC 8941 dictionary), required';

/** What the checkout routes need to answer a session as UCP does. */
export interface CheckoutAnswers {
  /** The checkout response for a result (the accepted handler; AP2's merchant_authorization when in force). */
  render: (result: CheckoutResult) => Promise<object>;
}

export function reply(status: number, body: object): Reply {
  return { status, body };
}

/**
 * A write's reply: rendered once before its transaction (rendering may sign, which reads the
 * database) and stored inside it under the Idempotency-Key when one came, so a replay is byte for
 * byte the first answer.
 */
export function replyHooks(
  persistReply: (tx: Transaction, reply: Reply) => Promise<void>,
  status: number,
  answers: CheckoutAnswers,
): WriteHooks<Reply> {
  return {
    answer: async (result) => reply(status, await answers.render(result)),
    inTx: (tx, answer) => persistReply(tx, answer),
  };
}

/**
 * UCP's checkout REST binding (version 2026-01-11) at each merchant's endpoint, /ucp/{merchantId}:
 * open to any platform (no OCP account needed; completing needs a single-use payment credential).
 * The edge parses the protocol message and calls the merchant module's services; it never prices
 * or posts anything itself.
 */
export function checkoutRoutes(api: Api, checkouts: CheckoutService, answers: CheckoutAnswers): void {
  api.route({
    method: 'post',
    path: '/:merchantId/checkout-sessions',
    summary: `UCP ${UCP_VERSION} Create Checkout: a session priced from the merchant's catalog. ${UCP_AGENT}`,
    tags,
    public: true,
    idempotent: 'optional',
    params: merchantParams,
    headers: ucpAgentHeaders,
    body: createCheckoutBody,
    responses: { 201: { description: 'The checkout session', schema: checkoutView } },
    handler: async ({ params, body, headers, persistReply }) => {
      const profile = readUcpAgentProfile(headers['ucp-agent']);
      return checkouts.create(params.merchantId, toCheckoutRequest(body), profile, replyHooks(persistReply, 201, answers));
    },
  });

  api.route({
    method: 'get',
    path: '/:merchantId/checkout-sessions/:id',
    summary: `UCP ${UCP_VERSION} Get Checkout. ${UCP_AGENT}`,
    tags,
    public: true,
    params: checkoutParams,
    headers: ucpAgentHeaders,
    responses: { 200: { description: 'The checkout session as of now (an expired one answers as canceled)', schema: checkoutView } },
    handler: async ({ params, headers }) => {
      readUcpAgentProfile(headers['ucp-agent']);
      return reply(200, await answers.render(await checkouts.get(params.merchantId, params.id)));
    },
  });

  api.route({
    method: 'put',
    path: '/:merchantId/checkout-sessions/:id',
    summary: `UCP ${UCP_VERSION} Update Checkout: a full replacement of the cart and buyer, priced again. ${UCP_AGENT}`,
    tags,
    public: true,
    idempotent: 'optional',
    params: checkoutParams,
    headers: ucpAgentHeaders,
    body: updateCheckoutBody,
    responses: { 200: { description: 'The checkout session', schema: checkoutView } },
    handler: async ({ params, body, headers, persistReply }) => {
      readUcpAgentProfile(headers['ucp-agent']);
      if (body.id !== undefined && body.id !== params.id) {
        throw new ValidationFailed('The body id is not the checkout in the path', {
          fields: [{ field: 'body.id', message: 'must be the id in the path' }],
        });
      }
      return checkouts.update(params.merchantId, params.id, toCheckoutRequest(body), replyHooks(persistReply, 200, answers));
    },
  });

  api.route({
    method: 'post',
    path: '/:merchantId/checkout-sessions/:id/cancel',
    summary: `UCP ${UCP_VERSION} Cancel Checkout (any session neither completed nor canceled). ${UCP_AGENT}`,
    tags,
    public: true,
    idempotent: 'optional',
    params: checkoutParams,
    headers: ucpAgentHeaders,
    responses: { 200: { description: 'The canceled checkout session', schema: checkoutView } },
    handler: async ({ params, headers, persistReply }) => {
      readUcpAgentProfile(headers['ucp-agent']);
      return checkouts.cancel(params.merchantId, params.id, replyHooks(persistReply, 200, answers));
    },
  });
}
