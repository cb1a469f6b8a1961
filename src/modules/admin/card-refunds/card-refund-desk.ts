import type { Transaction } from '../../../shared/transaction';
import type { Cursor } from '../../../shared/pagination';

export type CardRefundStatus = 'pending' | 'succeeded' | 'failed';

/**
 * A card refund as operators see it: ids, amount and outcome. No token, card data or processor
 * charge id: what an operator needs to find it at the processor is the charge and the refund ids.
 */
export interface CardRefundRecord {
  id: string;
  refundTransferId: string;
  originalTransferId: string;
  chargeId: string;
  processor: string;
  amount: bigint;
  currency: string;
  status: CardRefundStatus;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Reads card_refunds for operators. Newest first on (created_at, id), limit + 1. */
export interface CardRefundSearchRepository {
  list(status: CardRefundStatus | undefined, limit: number, after?: Cursor): Promise<CardRefundRecord[]>;
  /** `client`: a transaction that must see its own writes. */
  find(id: string, client?: Transaction): Promise<CardRefundRecord | null>;
}

/**
 * What a retry needs from the funding module (its CardRefunds implements it): reopen a failed
 * refund in the caller's transaction, then ask the processor after the commit.
 */
export interface CardRefundRetries {
  /** The refund as it was before (reopened only if it was `failed`), or null when unknown. */
  reopen(tx: Transaction, id: string): Promise<{ status: CardRefundStatus; attempts: number; lastError: string | null } | null>;
  settle(external: { id: string; status: 'pending' }): void;
}
