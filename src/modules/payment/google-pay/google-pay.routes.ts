import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { Api } from '../../../http/api';
import { initPaymentBody, paymentSessionView, toPaymentSessionView } from '../session/payment-session.schemas';
import type { GooglePayService } from './google-pay.service';

const paymentDataRequestView = z.object({
  apiVersion: z.literal(2),
  apiVersionMinor: z.literal(0),
  merchantInfo: z.object({ merchantId: z.string(), merchantName: z.string() }),
  allowedPaymentMethods: z.array(
    z.object({
      type: z.literal('CARD'),
      parameters: z.object({ allowedAuthMethods: z.array(z.string()), allowedCardNetworks: z.array(z.string()) }),
      tokenizationSpecification: z.object({
        type: z.literal('DIRECT'),
        parameters: z.object({ protocolVersion: z.literal('ECv2'), publicKey: z.string() }),
      }),
    }),
  ),
  transactionInfo: z.object({
    totalPriceStatus: z.literal('FINAL'),
    totalPrice: z.string().meta({ example: '10.50' }),
    currencyCode: z.string(),
    countryCode: z.string(),
  }),
});

export function googlePayRoutes(api: Api, googlePay: GooglePayService, limits: { payment: RequestHandler }): void {
  api.route({
    method: 'post',
    path: '/payment/google-pay/init',
    summary: 'Open a Google Pay session (15 minutes, single use) and get the PaymentDataRequest',
    tags: ['payments'],
    permission: 'payment:write',
    before: [limits.payment],
    body: initPaymentBody,
    responses: {
      201: {
        description: 'The session, the Google Pay environment and the PaymentDataRequest',
        schema: paymentSessionView.extend({ environment: z.enum(['TEST', 'PRODUCTION']), paymentDataRequest: paymentDataRequestView }),
      },
      503: { description: 'Google Pay is not configured (the error names the missing setting)' },
    },
    handler: async ({ body, principal }) => {
      const { session, environment, paymentDataRequest } = await googlePay.init(principal, body);
      return { status: 201, body: { ...toPaymentSessionView(session), environment, paymentDataRequest } };
    },
  });
}
