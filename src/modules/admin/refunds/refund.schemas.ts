import { z } from 'zod';
import { AMOUNT_FORMAT, positiveAmount } from '../../../shared/money/money';
import { pageQuery } from '../../../shared/pagination';
import { resourceId as id } from '../../../http/params';
import { reason } from '../admin.schemas';
import type { RefundRequest } from './refund-request.repository';

const STATUSES = ['pending', 'approved', 'rejected'] as const;

export const refundRequestBody = z
  .object({
    amount: positiveAmount.optional().meta({ description: `Defaults to everything not yet refunded; ${AMOUNT_FORMAT}` }),
    reason,
  })
  .strict();

export const supportRefundRequestBody = refundRequestBody.extend({ transactionId: id }).strict();

export const refundListQuery = pageQuery.extend({ status: z.enum(STATUSES).optional() }).strict();

/** A refund request as the API shows it; without an OpenAPI id for the MCP tool's output schema, which stands alone. */
export const refundRequestFields = z.object({
  id: z.string(),
  transactionId: z.string(),
  transferId: z.string(),
  customerId: z.string().nullable(),
  amount: z.string(),
  currency: z.string(),
  reason: z.string(),
  status: z.enum(STATUSES),
  requestedBy: z.string(),
  requestedByRole: z.string(),
  decidedBy: z.string().nullable(),
  decisionReason: z.string().nullable(),
  refundTransferId: z.string().nullable(),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
});

export const refundRequestView = refundRequestFields.meta({ id: 'RefundRequest' });

export const refundPageView = z.object({ data: z.array(refundRequestView), nextCursor: z.string().nullable() });

export const toRefundRequestView = (r: RefundRequest) => ({
  ...r,
  amount: r.amount.toString(),
  createdAt: r.createdAt.toISOString(),
  decidedAt: r.decidedAt?.toISOString() ?? null,
});
