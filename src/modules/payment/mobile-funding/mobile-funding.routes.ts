import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { Api, Reply } from '../../../http/api';
import { postedTransferView, toPostedTransferView } from '../../ledger';
import { sessionId } from '../session/payment-session.schemas';
import type { PaymentMethod } from '../session/payment-session.service';
import type { MobileFunded, MobileFundingService } from './mobile-funding.service';

const PAYMENT_DATA_CHARS_MAX = 65_536;

const processBody = (wallet: string) =>
  z.strictObject({
    sessionId,
    paymentData: z
      .union([z.record(z.string(), z.unknown()), z.string().min(2).max(PAYMENT_DATA_CHARS_MAX)])
      .meta({ description: `The encrypted ${wallet} payment token as the wallet returned it (object, or its JSON string)` }),
  });

const mobileFundedView = postedTransferView
  .extend({
    method: z.enum(['apple_pay', 'google_pay']),
    sessionId: z.string(),
    charge: z.object({ id: z.string(), tokenId: z.string(), amount: z.string(), currency: z.string() }),
  })
  .meta({ id: 'MobileWalletFunding' });

function toView(f: MobileFunded) {
  const { transfer } = f.posted;
  return {
    method: f.method,
    sessionId: f.sessionId,
    charge: { id: f.chargeId, tokenId: f.tokenId, amount: transfer.amount.toString(), currency: transfer.currency },
    ...toPostedTransferView(f.posted),
  };
}

const ROUTES: { method: PaymentMethod; path: string; wallet: string }[] = [
  { method: 'apple_pay', path: '/payment/apple-pay/process', wallet: 'Apple Pay (EC_v1)' },
  { method: 'google_pay', path: '/payment/google-pay/process', wallet: 'Google Pay (ECv2)' },
];

export function mobileFundingRoutes(api: Api, mobileFunding: MobileFundingService, limits: { payment: RequestHandler }): void {
  for (const { method, path, wallet } of ROUTES) {
    api.route({
      method: 'post',
      path,
      summary: `Process ${wallet} payment data: verify, tokenize, charge and credit the session's wallet`,
      tags: ['payments'],
      permission: 'payment:write',
      idempotent: true,
      before: [limits.payment],
      body: processBody(wallet),
      responses: {
        201: { description: 'The charge and the funding transfer with its records', schema: mobileFundedView },
        409: {
          description:
            'The session was already used (payment_session_used), the payment data was already used (payment_data_replayed), or the wallet is not active',
        },
        422: {
          description:
            'The card was declined (card_declined) or could not be processed (processing_error), or the payment data was refused (payment_data_*) or does not match the session',
        },
        503: { description: 'The method is not configured, or the token provider or processor is unavailable' },
      },
      handler: async ({ body, principal, headers, persistReply }) => {
        const reply = (f: MobileFunded): Reply => ({ status: 201, body: toView(f) });
        const request = { sessionId: body.sessionId, paymentData: body.paymentData, idempotencyKey: String(headers['idempotency-key']) };
        // The reply is stored in the credit's transaction; the charge and token ids are on the transfer by then.
        const funded = await mobileFunding.process(principal, method, request, (tx, posted) =>
          persistReply(
            tx,
            reply({
              method,
              sessionId: body.sessionId,
              chargeId: String(posted.transfer.metadata.chargeId),
              tokenId: String(posted.transfer.metadata.tokenId),
              posted,
            }),
          ),
        );
        return reply(funded);
      },
    });
  }
}
