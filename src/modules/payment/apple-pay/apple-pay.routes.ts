import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { Api } from '../../../http/api';
import { initPaymentBody, paymentSessionView, sessionId, toPaymentSessionView } from '../session/payment-session.schemas';
import type { ApplePayService } from './apple-pay.service';

const paymentRequestView = z.object({
  merchantIdentifier: z.string(),
  countryCode: z.string(),
  currencyCode: z.string(),
  supportedNetworks: z.array(z.string()),
  merchantCapabilities: z.array(z.string()),
  total: z.object({ label: z.string(), amount: z.string().meta({ example: '10.50' }), type: z.literal('final') }),
});

const validateMerchantBody = z.strictObject({
  sessionId,
  validationUrl: z.string().max(2048).meta({ example: 'https://apple-pay-gateway.apple.com/paymentservices/startSession' }),
});

export function applePayRoutes(api: Api, applePay: ApplePayService, limits: { payment: RequestHandler }): void {
  api.route({
    method: 'post',
    path: '/payment/apple-pay/init',
    summary: 'Open an Apple Pay session (15 minutes, single use) and get the payment request for the sheet',
    tags: ['payments'],
    permission: 'payment:write',
    before: [limits.payment],
    body: initPaymentBody,
    responses: {
      201: {
        description: 'The session and the Apple Pay payment request',
        schema: paymentSessionView.extend({ paymentRequest: paymentRequestView }),
      },
      503: { description: 'Apple Pay is not configured (the error names the missing setting)' },
    },
    handler: async ({ body, principal }) => {
      const { session, paymentRequest } = await applePay.init(principal, body);
      return { status: 201, body: { ...toPaymentSessionView(session), paymentRequest } };
    },
  });

  api.route({
    method: 'post',
    path: '/payment/apple-pay/validate-merchant',
    summary: "Validate the merchant with Apple (mutual TLS) for the session's payment sheet",
    tags: ['payments'],
    permission: 'payment:write',
    before: [limits.payment],
    body: validateMerchantBody,
    responses: {
      200: {
        description: "Apple's opaque merchant session, for completeMerchantValidation()",
        schema: z.object({ merchantSession: z.record(z.string(), z.unknown()) }),
      },
      503: { description: 'Apple Pay validation is not configured, or Apple could not be reached' },
    },
    handler: async ({ body, principal }) => ({
      status: 200,
      body: { merchantSession: await applePay.validateMerchant(principal, body.sessionId, body.validationUrl) },
    }),
  });
}
