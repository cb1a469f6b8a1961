import { z } from 'zod';
import { metadataFilterSchema, metadataSchema as metadata, nestMetadataQuery } from '../../shared/metadata';
import { AMOUNT_FORMAT, currencyCode, nonNegativeAmount } from '../../shared/money/money';
import { pageQuery } from '../../shared/pagination';
import type { Wallet } from './wallet.repository';

const label = z.string().trim().min(1).max(100);

export const createWalletBody = z
  .object({
    currency: currencyCode,
    label: label.optional(),
    metadata: metadata.optional(),
    lowBalanceThreshold: nonNegativeAmount
      .optional()
      .meta({ description: `A balance.low event fires when the balance drops below this; ${AMOUNT_FORMAT}` }),
  })
  .strict();

export const updateWalletBody = z
  .object({
    label: label.nullable().optional(),
    metadata: metadata.optional(),
    status: z.enum(['active', 'frozen', 'closed']).optional(),
    lowBalanceThreshold: nonNegativeAmount.nullable().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'send at least one field to change');

export const walletListQuery = z.preprocess(nestMetadataQuery, pageQuery.extend({ metadata: metadataFilterSchema.optional() }).strict());

export const walletView = z
  .object({
    id: z.string(),
    userId: z.string(),
    currency: z.string(),
    balance: z.string().meta({ description: 'The booked balance, minor units', example: '1050' }),
    available: z.string().meta({ description: 'What can be spent: balance minus held', example: '800' }),
    held: z.string().meta({ description: 'Reserved by pending holds', example: '250' }),
    status: z.enum(['active', 'frozen', 'closed']),
    label: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    lowBalanceThreshold: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Wallet' });

export const walletPageView = z.object({ data: z.array(walletView), nextCursor: z.string().nullable() });

export function toWalletView(w: Wallet) {
  return {
    id: w.id,
    userId: w.userId,
    currency: w.currency,
    balance: w.balance.toString(),
    available: (w.balance - w.held).toString(),
    held: w.held.toString(),
    status: w.status,
    label: w.label,
    metadata: w.metadata,
    lowBalanceThreshold: w.lowBalanceThreshold?.toString() ?? null,
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
  };
}
