import { z } from 'zod';
import { currencyCode, positiveAmount } from '../../../shared/money/money';
import type { PaymentSession } from './payment-session.service';

export const initPaymentBody = z.strictObject({
  walletId: z.string().min(1).max(64).meta({ description: 'The wallet to fund' }),
  amount: positiveAmount,
  currency: currencyCode,
});

export const sessionId = z
  .string()
  .regex(/^pses_[A-Za-z0-9_-]{1,64}$/, 'must be a payment session id from init')
  .meta({ example: 'pses_3kq0Yc1bWlnP2m0a' });

export const paymentSessionView = z.object({
  sessionId: z.string(),
  walletId: z.string(),
  amount: z.string().meta({ description: 'Minor units', example: '1050' }),
  currency: z.string(),
  expiresAt: z.string().meta({ description: 'ISO 8601; the session is single-use and expires 15 minutes after init' }),
});

export function toPaymentSessionView(session: PaymentSession): z.infer<typeof paymentSessionView> {
  return {
    sessionId: session.id,
    walletId: session.walletId,
    amount: session.amount.toString(),
    currency: session.currency,
    expiresAt: session.expiresAt.toISOString(),
  };
}
