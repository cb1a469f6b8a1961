import { z } from 'zod';
import { resourceId as id } from '../../../http/params';
import { isoInstant } from '../../../shared/instant';
import { AMOUNT_FORMAT, currencyCode, positiveAmount } from '../../../shared/money/money';
import { pageQuery } from '../../../shared/pagination';
import { postedTransferView, toPostedTransferView } from '../ledger.schemas';
import { HOLD_STATUSES, type Hold } from './hold.repository';
import { HOLD_TTL_MAX_MS, type CapturedHold } from './hold.service';

const expiresAt = isoInstant
  .refine((at) => at.getTime() > Date.now(), 'must be in the future')
  .refine((at) => at.getTime() - Date.now() <= HOLD_TTL_MAX_MS, 'must be at most 30 days ahead')
  .meta({ description: 'When an uncaptured hold is released by itself; default 7 days ahead, at most 30' });

export const createHoldBody = z
  .object({
    fromWalletId: id,
    toWalletId: id,
    amount: positiveAmount,
    currency: currencyCode.optional().meta({ description: 'If given, must be the currency of both wallets' }),
    expiresAt: expiresAt.optional(),
    description: z.string().trim().max(500).optional(),
  })
  .strict();

export const captureHoldBody = z
  .object({
    amount: positiveAmount
      .optional()
      .meta({ description: `At most the held amount (default: all of it); the rest is released. ${AMOUNT_FORMAT}` }),
  })
  .strict();

export const holdListQuery = pageQuery.extend({ status: z.enum(HOLD_STATUSES).optional() }).strict();

export const holdView = z
  .object({
    id: z.string(),
    status: z.enum(HOLD_STATUSES),
    amount: z.string().meta({ description: 'The amount held, minor units' }),
    capturedAmount: z.string().meta({ description: 'What the capture posted ("0" unless captured)' }),
    currency: z.string(),
    fromWalletId: z.string(),
    toWalletId: z.string(),
    description: z.string().nullable(),
    expiresAt: z.string().meta({ format: 'date-time' }),
    captureTransferId: z.string().nullable().meta({ description: 'The hold_capture transfer, once captured' }),
    settledAt: z.string().nullable().meta({ format: 'date-time', description: 'When it was captured, voided or expired' }),
    createdAt: z.string().meta({ format: 'date-time' }),
    updatedAt: z.string().meta({ format: 'date-time' }),
  })
  .meta({ id: 'Hold' });

export const holdPageView = z.object({ data: z.array(holdView), nextCursor: z.string().nullable() });

export const capturedHoldView = postedTransferView.extend({ hold: holdView }).meta({ id: 'CapturedHold' });

export function toHoldView(h: Hold): z.infer<typeof holdView> {
  return {
    id: h.id,
    status: h.status,
    amount: h.amount.toString(),
    capturedAmount: h.capturedAmount.toString(),
    currency: h.currency,
    fromWalletId: h.fromWalletId,
    toWalletId: h.toWalletId,
    description: h.description,
    expiresAt: h.expiresAt.toISOString(),
    captureTransferId: h.captureTransferId,
    settledAt: h.settledAt?.toISOString() ?? null,
    createdAt: h.createdAt.toISOString(),
    updatedAt: h.updatedAt.toISOString(),
  };
}

export function toCapturedHoldView({ hold, posted }: CapturedHold) {
  return { hold: toHoldView(hold), ...toPostedTransferView(posted) };
}
