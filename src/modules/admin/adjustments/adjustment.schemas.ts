import { z } from 'zod';
import { pageQuery } from '../../../shared/pagination';
import { adjustmentBody } from '../../ledger';
import { resourceId as id } from '../../../http/params';
import type { AdjustmentRequest } from './adjustment-request.repository';

const STATUSES = ['pending', 'approved', 'rejected'] as const;

export const adjustmentRequestBody = adjustmentBody.extend({ walletId: id }).strict();

export const adjustmentListQuery = pageQuery.extend({ status: z.enum(STATUSES).optional() }).strict();

export const adjustmentRequestView = z
  .object({
    id: z.string(),
    walletId: z.string(),
    amount: z.string().meta({ description: 'Signed minor units: a credit is positive, a debit negative' }),
    currency: z.string(),
    reason: z.string(),
    status: z.enum(STATUSES),
    requestedBy: z.string(),
    decidedBy: z.string().nullable(),
    decisionReason: z.string().nullable(),
    adjustmentTransferId: z.string().nullable(),
    createdAt: z.string(),
    decidedAt: z.string().nullable(),
  })
  .meta({ id: 'AdjustmentRequest' });

export const adjustmentPageView = z.object({ data: z.array(adjustmentRequestView), nextCursor: z.string().nullable() });

export const toAdjustmentRequestView = (r: AdjustmentRequest) => ({
  ...r,
  amount: r.amount.toString(),
  createdAt: r.createdAt.toISOString(),
  decidedAt: r.decidedAt?.toISOString() ?? null,
});
