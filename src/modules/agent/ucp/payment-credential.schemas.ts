import { z } from 'zod';
import { resourceId as id } from '../../../http/params';
import { AMOUNT_FORMAT, currencyCode, positiveAmount } from '../../../shared/money/money';
import { pageQuery } from '../../../shared/pagination';
import type { MerchantPayment, PaymentCredential } from './payment-credential.repository';
import type { RedeemedPayment } from './payment-credential.service';
import { OCP_CREDENTIAL_TYPE, OCP_HANDLER_ID, OCP_INSTRUMENT_TYPE } from './payment-handler';

/** A UCP checkout id: the business's, so any printable ASCII, bounded. */
const checkoutId = z
  .string()
  .regex(/^[\x20-\x7e]{1,256}$/, 'must be 1 to 256 printable ASCII characters')
  .meta({ description: "The business's UCP checkout id the credential is bound to" });

export const issueCredentialBody = z
  .object({
    business: z.object({ merchant_id: id.meta({ description: 'The OCP merchant (mer_…) that will redeem it' }) }).strict(),
    checkout_id: checkoutId,
    amount: positiveAmount,
    currency: currencyCode,
    mandate: z.string().min(1).max(8192).optional().meta({ description: 'A signed owner mandate (compact JWS, ES256), checked on redeem' }),
  })
  .strict();

export const redeemCredentialBody = z
  .object({
    token: z.string().min(1).max(256).meta({ description: 'The credential token from the checkout instrument' }),
    checkout_id: checkoutId,
    amount: positiveAmount.meta({ description: `The checkout's total, ${AMOUNT_FORMAT}; must be the credential's` }),
    currency: currencyCode,
  })
  .strict();

export const merchantPaymentsQuery = pageQuery.extend({
  checkoutId: checkoutId.optional(),
  orderId: id.optional().meta({ description: 'An order of the merchant (ord_…): the payment of the checkout it was placed from' }),
});
export const merchantPaymentParams = z.object({ id, paymentId: id });

const credentialView = z.object({
  type: z.literal(OCP_CREDENTIAL_TYPE),
  token: z.string().meta({ description: 'Single use; shown in this response only' }),
  expiry: z.string(),
});

export const issuedCredentialView = z
  .object({
    id: z.string(),
    credential: credentialView,
    instrument: z
      .object({ id: z.string(), handler_id: z.literal(OCP_HANDLER_ID), type: z.literal(OCP_INSTRUMENT_TYPE), credential: credentialView })
      .meta({ description: "Ready to put in the UCP checkout's payment.instruments" }),
    business: z.object({ merchant_id: z.string() }),
    checkout_id: z.string(),
    amount: z.string(),
    currency: z.string(),
    expires_at: z.string(),
  })
  .meta({ id: 'UcpPaymentCredential' });

export const merchantPaymentView = z
  .object({
    id: z.string(),
    credential_id: z.string(),
    transfer_id: z.string(),
    amount: z.string(),
    currency: z.string(),
    checkout_id: z.string(),
    merchant_id: z.string(),
    agent_id: z.string(),
    status: z.string(),
    created_at: z.string(),
  })
  .meta({ id: 'MerchantPayment' });

export const merchantPaymentPageView = z.object({ data: z.array(merchantPaymentView), nextCursor: z.string().nullable() });

export function toIssuedCredentialView(c: PaymentCredential, token: string) {
  const credential = { type: OCP_CREDENTIAL_TYPE, token, expiry: c.expiresAt.toISOString() };
  return {
    id: c.id,
    credential,
    instrument: { id: c.id, handler_id: OCP_HANDLER_ID, type: OCP_INSTRUMENT_TYPE, credential },
    business: { merchant_id: c.merchantId },
    checkout_id: c.checkoutId,
    amount: c.amount.toString(),
    currency: c.currency,
    expires_at: c.expiresAt.toISOString(),
  };
}

export function toMerchantPaymentView(p: MerchantPayment) {
  return {
    id: p.id,
    credential_id: p.credentialId,
    transfer_id: p.transferId,
    amount: p.amount.toString(),
    currency: p.currency,
    checkout_id: p.checkoutId,
    merchant_id: p.merchantId,
    agent_id: p.agentId,
    status: p.status,
    created_at: p.createdAt.toISOString(),
  };
}

export function toRedeemedView(p: RedeemedPayment) {
  return toMerchantPaymentView({ ...p, id: p.paymentId, status: 'completed' });
}
