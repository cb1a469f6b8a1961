import type { Transaction } from '../../../shared/transaction';
import type { Cursor } from '../../../shared/pagination';

export type AdjustmentRequestStatus = 'pending' | 'approved' | 'rejected';

export interface AdjustmentRequest {
  id: string;
  walletId: string;
  /** Signed: a credit is positive, a debit negative. */
  amount: bigint;
  currency: string;
  reason: string;
  status: AdjustmentRequestStatus;
  requestedBy: string;
  decidedBy: string | null;
  decisionReason: string | null;
  adjustmentTransferId: string | null;
  createdAt: Date;
  decidedAt: Date | null;
}

export type NewAdjustmentRequest = Pick<AdjustmentRequest, 'id' | 'walletId' | 'amount' | 'reason' | 'requestedBy'>;

export type AdjustmentDecision =
  | { status: 'approved'; decidedBy: string; adjustmentTransferId: string }
  | { status: 'rejected'; decidedBy: string; decisionReason: string };

/**
 * Adjustments waiting for a second operator. A request leaves `pending` once: `lockPending` takes
 * the row lock only while it is still pending, so of concurrent deciders exactly one goes on.
 */
export interface AdjustmentRequestRepository {
  /** Takes the wallet's currency; null when there is no such wallet. */
  insert(tx: Transaction, request: NewAdjustmentRequest): Promise<AdjustmentRequest | null>;
  find(id: string): Promise<AdjustmentRequest | null>;
  lockPending(tx: Transaction, id: string): Promise<AdjustmentRequest | null>;
  decide(tx: Transaction, id: string, decision: AdjustmentDecision): Promise<AdjustmentRequest>;
  /** Newest first; limit + 1. */
  list(status: AdjustmentRequestStatus | undefined, limit: number, after?: Cursor): Promise<AdjustmentRequest[]>;
}
