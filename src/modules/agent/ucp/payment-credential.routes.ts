import type { RequestHandler } from 'express';
import type { Api, Reply } from '../../../http/api';
import type { RedeemedPayment, PaymentCredentialService } from './payment-credential.service';
import {
  issueCredentialBody,
  issuedCredentialView,
  merchantPaymentPageView,
  merchantPaymentParams,
  merchantPaymentsQuery,
  merchantPaymentView,
  redeemCredentialBody,
  toIssuedCredentialView,
  toMerchantPaymentView,
  toRedeemedView,
} from './payment-credential.schemas';
import { idParams } from '../../../http/params';

const redeemedReply = (p: RedeemedPayment): Reply => ({ status: 201, body: toRedeemedView(p) });

/** OCP wallets as a UCP payment handler (docs/ucp-payment-handler.md), and the merchants' lookups of what they were paid. */
export function paymentCredentialRoutes(api: Api, credentials: PaymentCredentialService, limits: { payment: RequestHandler }): void {
  api.route({
    method: 'post',
    path: '/ucp/payment-credentials',
    summary: "An agent's single-use credential for one UCP checkout of one business, amount and currency (moves nothing)",
    tags: ['ucp'],
    permission: 'agent:pay',
    before: [limits.payment],
    body: issueCredentialBody,
    responses: { 201: { description: 'The credential; its token is shown here only', schema: issuedCredentialView } },
    handler: async ({ body, principal }) => {
      const { credential, token } = await credentials.issue(principal, {
        merchantId: body.business.merchant_id,
        checkoutId: body.checkout_id,
        amount: body.amount,
        currency: body.currency,
        ...(body.mandate ? { mandate: body.mandate } : {}),
      });
      return { status: 201, body: toIssuedCredentialView(credential, token) };
    },
  });

  api.route({
    method: 'post',
    path: '/ucp/payment-credentials/redeem',
    summary: "A business redeems a credential: exactly its amount moves from the agent's wallet to the merchant's, once",
    tags: ['ucp'],
    permission: 'merchant:payments:redeem',
    idempotent: true,
    before: [limits.payment],
    body: redeemCredentialBody,
    responses: { 201: { description: 'Paid', schema: merchantPaymentView } },
    handler: async ({ body, principal, persistReply }) =>
      redeemedReply(
        await credentials.redeemFor(
          principal,
          { token: body.token, checkoutId: body.checkout_id, amount: body.amount, currency: body.currency },
          (tx, paid) => persistReply(tx, redeemedReply(paid)),
        ),
      ),
  });

  api.route({
    method: 'get',
    path: '/merchants/:id/payments',
    summary: 'Payments made to the merchant through OCP wallet credentials, newest first; filter by checkoutId or by orderId',
    tags: ['merchants'],
    permission: 'merchant:read',
    params: idParams,
    query: merchantPaymentsQuery,
    responses: { 200: { description: 'A page of payments', schema: merchantPaymentPageView } },
    handler: async ({ params, query, principal }) => {
      const filter = {
        ...(query.checkoutId !== undefined ? { checkoutId: query.checkoutId } : {}),
        ...(query.orderId !== undefined ? { orderId: query.orderId } : {}),
      };
      const page = await credentials.listForMerchant(principal, params.id, filter, query.limit, query.cursor);
      return { status: 200, body: { data: page.data.map(toMerchantPaymentView), nextCursor: page.nextCursor } };
    },
  });

  api.route({
    method: 'get',
    path: '/merchants/:id/payments/:paymentId',
    summary: 'One payment made to the merchant through an OCP wallet credential',
    tags: ['merchants'],
    permission: 'merchant:read',
    params: merchantPaymentParams,
    responses: { 200: { description: 'The payment', schema: merchantPaymentView } },
    handler: async ({ params, principal }) => ({
      status: 200,
      body: toMerchantPaymentView(await credentials.getForMerchant(principal, params.id, params.paymentId)),
    }),
  });
}
