import { z } from 'zod';
import { resourceId as id } from '../../http/params';
import { metadataFilterSchema, metadataSchema, nestMetadataQuery } from '../../shared/metadata';
import { currencyCode, positiveAmount } from '../../shared/money/money';
import { pageQuery } from '../../shared/pagination';
import { toTransferView, transferView } from './ledger.schemas';
import { LEGS_MAX, LEGS_MIN, type MultiLegTransaction } from './multi-leg.service';
import type { TransferRecord } from './transfer-records.repository';

const legBody = z
  .object({
    fromWalletId: id,
    toWalletId: id,
    amount: positiveAmount,
    currency: currencyCode.meta({ description: 'The currency of both wallets of this leg' }),
  })
  .strict();

export const multiLegBody = z
  .object({
    legs: z
      .array(legBody)
      .min(LEGS_MIN)
      .max(LEGS_MAX)
      .meta({ description: `${LEGS_MIN} to ${LEGS_MAX} transfers, posted in this order, all or none` }),
    description: z.string().trim().max(500).optional(),
    metadata: metadataSchema.optional().meta({ description: 'Recorded on every leg (and found by metadata filters)' }),
  })
  .strict();

export const transferListQuery = z.preprocess(nestMetadataQuery, pageQuery.extend({ metadata: metadataFilterSchema }).strict());

const legView = z.object({
  leg: z.number().int().meta({ description: 'Position among the legs, from 0' }),
  transferId: z.string(),
  fromWalletId: z.string(),
  toWalletId: z.string(),
  amount: z.string(),
  currency: z.string(),
});

export const multiLegView = z
  .object({
    id: z.string().meta({ example: 'mlt_0123456789abcdef' }),
    status: z.literal('completed'),
    description: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
    legs: z.array(legView).meta({ description: 'All legs for the one who posted it; another party sees only the legs on its wallets' }),
  })
  .meta({ id: 'MultiLegTransaction' });

export const transferRecordView = transferView
  .extend({
    metadata: z.record(z.string(), z.unknown()),
    journalId: z.string().nullable().meta({ description: 'The multi-leg transaction this transfer is a leg of' }),
  })
  .meta({ id: 'TransferRecord' });

export const transferRecordPageView = z.object({ data: z.array(transferRecordView), nextCursor: z.string().nullable() });

export function toMultiLegView(m: MultiLegTransaction) {
  return {
    id: m.id,
    status: 'completed' as const,
    description: m.description,
    metadata: m.metadata,
    createdAt: m.createdAt.toISOString(),
    legs: m.legs.map(({ leg, transfer }) => ({
      leg,
      transferId: transfer.id,
      fromWalletId: transfer.fromWalletId,
      toWalletId: transfer.toWalletId,
      amount: transfer.amount.toString(),
      currency: transfer.currency,
    })),
  };
}

export function toTransferRecordView(t: TransferRecord) {
  return { ...toTransferView(t), metadata: t.metadata, journalId: t.journalId };
}
