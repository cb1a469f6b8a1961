import { z } from 'zod';
import { pageQuery } from '../../../shared/pagination';
import type { CardRefundRecord } from './card-refund-desk';

const STATUSES = ['pending', 'succeeded', 'failed'] as const;

export const cardRefundListQuery = pageQuery.extend({ status: z.enum(STATUSES).optional() }).strict();

export const cardRefundView = z
  .object({
    id: z.string().meta({ description: "Also the processor's idempotency key" }),
    refundTransferId: z.string(),
    originalTransferId: z.string().meta({ description: 'The card-funded transfer that was refunded' }),
    chargeId: z.string(),
    processor: z.string(),
    amount: z.string().meta({ description: 'Minor units' }),
    currency: z.string(),
    status: z.enum(STATUSES),
    attempts: z.number().int(),
    lastError: z.string().nullable().meta({ description: 'Why the last attempt failed (an error code), if it did' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'CardRefund' });

export const cardRefundPageView = z.object({ data: z.array(cardRefundView), nextCursor: z.string().nullable() });

export const toCardRefundView = (r: CardRefundRecord) => ({
  ...r,
  amount: r.amount.toString(),
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});
