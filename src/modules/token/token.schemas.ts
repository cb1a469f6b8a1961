import { z } from 'zod';
import type { PaymentToken } from './token.repository';

const cardData = z
  .object({
    number: z
      .string()
      .max(23)
      .meta({ description: 'Card number; spaces and dashes are ignored. Sandbox test cards: see docs/payments.md' }),
    expMonth: z.number().int().min(1).max(12),
    expYear: z.number().int().min(0).max(9999).meta({ description: 'Four digits (two are read as 20xx)' }),
    cvc: z.string().max(4),
  })
  .strict();

export const createTokenBody = z.object({ type: z.literal('card'), data: cardData }).strict();

export const tokenView = z
  .object({
    id: z.string(),
    type: z.enum(['card', 'apple_pay', 'google_pay']),
    card: z.object({
      brand: z.string(),
      last4: z.string(),
      expMonth: z.number(),
      expYear: z.number(),
      fingerprint: z.string().nullable().meta({ description: 'Same card, same fingerprint (per provider)' }),
    }),
    provider: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'PaymentToken' });

export function toTokenView(t: PaymentToken) {
  return {
    id: t.id,
    type: t.type,
    card: { brand: t.brand, last4: t.last4, expMonth: t.expMonth, expYear: t.expYear, fingerprint: t.fingerprint },
    provider: t.provider,
    createdAt: t.createdAt.toISOString(),
  };
}
