import { z } from 'zod';
import { resourceId } from '../../../http/params';
import { currencyCode, positiveAmount } from '../../../shared/money/money';
import { pageQuery } from '../../../shared/pagination';
import type { BankAccountDestination, Payout } from './payout.repository';

export const payoutBody = z
  .object({
    walletId: resourceId,
    amount: positiveAmount,
    destination: z.discriminatedUnion('type', [
      z.object({ type: z.literal('card'), tokenId: resourceId.meta({ description: 'A card token of yours (POST /tokens)' }) }).strict(),
      z
        .object({
          type: z.literal('bank_account'),
          tokenId: resourceId.meta({ description: 'A bank account you registered (POST /payout-destinations)' }),
        })
        .strict(),
    ]),
  })
  .strict();

export const payoutListQuery = pageQuery.extend({ walletId: resourceId }).strict();

export const bankAccountBody = z
  .object({
    type: z.literal('bank_account'),
    accountHolderName: z.string().trim().min(1).max(120),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code')
      .meta({ example: 'US' }),
    currency: currencyCode,
    routingNumber: z.string().regex(/^\d{9}$/, 'must be 9 digits (an ABA routing number)'),
    accountNumber: z.string().regex(/^\d{4,17}$/, 'must be 4 to 17 digits'),
  })
  .strict();

export const payoutView = z
  .object({
    id: z.string(),
    walletId: z.string(),
    amount: z.string(),
    currency: z.string(),
    status: z.enum(['pending', 'paid', 'failed', 'returned']),
    destination: z.object({ type: z.enum(['card', 'bank_account']), tokenId: z.string(), last4: z.string() }),
    processorPayoutId: z.string().nullable(),
    failureCode: z.string().nullable().meta({ description: 'Why it failed or came back (the processor’s code)' }),
    debitTransferId: z.string(),
    settleTransferId: z.string().nullable(),
    reversalTransferId: z.string().nullable().meta({ description: 'The transfer that gave the money back (failed or returned)' }),
    paidAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Payout' });

export const payoutPageView = z.object({ data: z.array(payoutView), nextCursor: z.string().nullable() }).meta({ id: 'PayoutPage' });

export const bankAccountView = z
  .object({
    id: z.string(),
    type: z.literal('bank_account'),
    last4: z.string(),
    country: z.string(),
    currency: z.string(),
    bankName: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'PayoutBankAccount' });

export function toPayoutView(p: Payout): z.infer<typeof payoutView> {
  return {
    id: p.id,
    walletId: p.walletId,
    amount: p.amount.toString(),
    currency: p.currency,
    status: p.status,
    destination: { type: p.destination.type, tokenId: p.destination.id, last4: p.destination.last4 },
    processorPayoutId: p.processorPayoutId,
    failureCode: p.failureCode,
    debitTransferId: p.debitTransferId,
    settleTransferId: p.settleTransferId,
    reversalTransferId: p.reversalTransferId,
    paidAt: p.paidAt?.toISOString() ?? null,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

export function toBankAccountView(d: BankAccountDestination): z.infer<typeof bankAccountView> {
  return {
    id: d.id,
    type: d.type,
    last4: d.last4,
    country: d.country,
    currency: d.currency,
    bankName: d.bankName,
    createdAt: d.createdAt.toISOString(),
  };
}
