import { z } from 'zod';
import { resourceId as id } from '../../http/params';
import { AMOUNT_FORMAT, currencyCode, positiveAmount, signedAmount } from '../../shared/money/money';
import { pageQuery } from '../../shared/pagination';
import type { LedgerEntry, Transfer } from './ledger.repository';
import type { PostedTransfer } from './ledger.types';
import { isoInstant } from '../../shared/instant';
import { metadataFilterSchema, metadataSchema, nestMetadataQuery } from '../../shared/metadata';

export const transferBody = z
  .object({
    fromWalletId: id,
    toWalletId: id,
    amount: positiveAmount,
    currency: currencyCode.optional().meta({ description: 'If given, must be the currency of both wallets' }),
    description: z.string().trim().max(500).optional(),
    metadata: metadataSchema.optional(),
  })
  .strict();

export const refundBody = z
  .object({
    amount: positiveAmount.optional().meta({ description: `Defaults to everything not yet refunded; ${AMOUNT_FORMAT}` }),
    reason: z.string().trim().min(1).max(500),
  })
  .strict();

export const adjustmentBody = z.object({ amount: signedAmount, reason: z.string().trim().min(1).max(500) }).strict();

export const TRANSFER_STATUSES = ['pending', 'completed', 'failed', 'reversed'] as const;

export const historyQuery = z.preprocess(
  nestMetadataQuery,
  pageQuery
    .extend({
      type: z
        .string()
        .regex(/^[a-z_0-9]{1,40}$/)
        .optional(),
      status: z.enum(TRANSFER_STATUSES).optional(),
      from: isoInstant.optional(),
      to: isoInstant.optional(),
      metadata: metadataFilterSchema.optional(),
    })
    .strict(),
);

export const transferView = z
  .object({
    id: z.string(),
    type: z.string(),
    status: z.enum(TRANSFER_STATUSES),
    amount: z.string(),
    currency: z.string(),
    fromWalletId: z.string(),
    toWalletId: z.string(),
    refundOf: z.string().nullable(),
    refundedAmount: z.string(),
    description: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Transfer' });

export const transactionView = z
  .object({
    id: z.string(),
    transferId: z.string(),
    walletId: z.string(),
    type: z.string(),
    direction: z.enum(['debit', 'credit']),
    amount: z.string().meta({ description: 'Minor units, always positive; see direction' }),
    currency: z.string(),
    status: z.enum(TRANSFER_STATUSES),
    balanceAfter: z.string(),
    counterpartyWalletId: z.string(),
    description: z.string().nullable(),
    refundOf: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Transaction' });

const externalRefundView = z
  .object({
    id: z.string(),
    status: z.string().meta({ description: 'At the time of this reply: pending, then succeeded or failed' }),
  })
  .meta({ id: 'ExternalRefund', description: 'A refund of a card-funded transfer: the refund owed to the card' });

export const postedTransferView = z.object({
  transfer: transferView,
  debit: transactionView,
  credit: transactionView,
  externalRefund: externalRefundView.optional(),
});

export const transactionPageView = z.object({ data: z.array(transactionView), nextCursor: z.string().nullable() });

export function toTransferView(t: Transfer) {
  return {
    id: t.id,
    type: t.type,
    status: t.status,
    amount: t.amount.toString(),
    currency: t.currency,
    fromWalletId: t.fromWalletId,
    toWalletId: t.toWalletId,
    refundOf: t.refundOf,
    refundedAmount: t.refundedAmount.toString(),
    description: t.description,
    createdAt: t.createdAt.toISOString(),
  };
}

export function toTransactionView(e: LedgerEntry) {
  return {
    id: e.id,
    transferId: e.transferId,
    walletId: e.walletId,
    type: e.transfer.type,
    direction: e.amount < 0n ? ('debit' as const) : ('credit' as const),
    amount: (e.amount < 0n ? -e.amount : e.amount).toString(),
    currency: e.currency,
    status: e.transfer.status,
    balanceAfter: e.balanceAfter.toString(),
    counterpartyWalletId: e.counterpartyWalletId,
    description: e.transfer.description,
    refundOf: e.transfer.refundOf,
    createdAt: e.createdAt.toISOString(),
  };
}

export function toPostedTransferView(p: PostedTransfer) {
  return {
    transfer: toTransferView(p.transfer),
    debit: toTransactionView(p.debit),
    credit: toTransactionView(p.credit),
    ...(p.externalRefund ? { externalRefund: { id: p.externalRefund.id, status: p.externalRefund.status } } : {}),
  };
}

/** A transfer held for an operator's risk review (202): its money reserved by the hold. */
export const heldForReviewView = z.object({
  status: z.literal('pending_review'),
  reviewId: z.string(),
  holdId: z.string(),
});
