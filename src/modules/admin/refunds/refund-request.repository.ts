import type { Transaction } from '../../../shared/transaction';
import type { Cursor } from '../../../shared/pagination';

export type RefundRequestStatus = 'pending' | 'approved' | 'rejected';

export interface RefundRequest {
  id: string;
  transactionId: string;
  transferId: string;
  customerId: string | null;
  amount: bigint;
  currency: string;
  reason: string;
  status: RefundRequestStatus;
  requestedBy: string;
  requestedByRole: string;
  decidedBy: string | null;
  decisionReason: string | null;
  refundTransferId: string | null;
  createdAt: Date;
  decidedAt: Date | null;
}

export type NewRefundRequest = Pick<
  RefundRequest,
  'id' | 'transactionId' | 'transferId' | 'customerId' | 'amount' | 'currency' | 'reason' | 'requestedBy' | 'requestedByRole'
>;

/**
 * Refund requests. A request leaves `pending` once: `lockPending` takes the row lock only while it
 * is still pending, so of concurrent deciders exactly one goes on.
 */
export interface RefundRequestRepository {
  insert(tx: Transaction, request: NewRefundRequest): Promise<RefundRequest>;
  find(id: string): Promise<RefundRequest | null>;
  lockPending(tx: Transaction, id: string): Promise<RefundRequest | null>;
  decide(
    tx: Transaction,
    id: string,
    d: { status: 'approved' | 'rejected'; decidedBy: string; decisionReason: string | null; refundTransferId: string | null },
  ): Promise<RefundRequest>;
  /**
   * Four-eyes, inside the refund's transaction (after the ledger reserved the refund, which holds the
   * original transfer's row lock): what is refunded of the original so far, this refund included,
   * plus the other requests on it still pending.
   */
  cumulativeOnOriginal(tx: Transaction, transferId: string, exceptRequestId: string): Promise<bigint>;
  /** Newest first; limit + 1. */
  list(status: RefundRequestStatus | undefined, limit: number, after?: Cursor): Promise<RefundRequest[]>;
}
