import type { Transaction } from '../../../shared/transaction';

export type CardRefundStatus = 'pending' | 'succeeded' | 'failed';

/** A refund owed to the card behind a card-funded transfer that the ledger refunded. */
export interface CardRefund {
  /** Also the processor's idempotency key (RefundRequest.refundId). */
  id: string;
  refundTransferId: string;
  chargeId: string;
  processor: string;
  processorChargeId: string;
  amount: bigint;
  currency: string;
  status: CardRefundStatus;
  /** Attempts so far, this one included once claimed. */
  attempts: number;
  lastError: string | null;
  processorRefundId: string | null;
  createdAt: Date;
  /** Whose refund it is: it goes to that tenant's processor of the charge's name. */
  tenantId: string;
}

/** What a failed refund was when an operator sent it back to pending. */
export interface ReopenedCardRefund {
  status: CardRefundStatus;
  attempts: number;
  lastError: string | null;
}

export type NewCardRefund = Pick<
  CardRefund,
  'id' | 'refundTransferId' | 'chargeId' | 'processor' | 'processorChargeId' | 'amount' | 'currency'
>;

/**
 * The card refunds owed and their outcome. A claim leases a pending row (attempts + 1, next
 * attempt pushed past the lease), so two instances, or the worker and the immediate attempt,
 * never ask the processor for the same row at once; the outcome writes check the lease.
 */
export interface CardRefundRepository {
  /** Inside the ledger refund's transaction. */
  insert(tx: Transaction, refund: NewCardRefund): Promise<void>;
  /** Leases this pending refund if it is due; null if it is not (taken, decided or not yet due). */
  claim(id: string, leaseMs: number): Promise<CardRefund | null>;
  /** Leases up to `limit` pending refunds that are due. */
  claimDue(limit: number, leaseMs: number): Promise<CardRefund[]>;
  markSucceeded(refund: CardRefund, processorRefundId: string): Promise<void>;
  scheduleRetry(refund: CardRefund, delayMs: number, error: string): Promise<void>;
  markFailed(refund: CardRefund, error: string): Promise<void>;
  /**
   * An operator's retry: under the row lock, a `failed` refund goes back to `pending`, due now,
   * attempts reset. Returns the row as it was (so a caller sees a status other than `failed`
   * and changes nothing), or null when there is no such refund. The id, the processor's
   * idempotency key, never changes.
   */
  reopenFailed(tx: Transaction, id: string): Promise<ReopenedCardRefund | null>;

  // Reconciliation against the processor's settlement file (../reconciliation).
  /** The refunds of this processor carrying these processor refund ids. */
  findByProcessorRefundIds(processor: string, processorRefundIds: readonly string[]): Promise<CardRefund[]>;
  /** The succeeded refunds of this processor created in [from, to], oldest first by (createdAt, id), after `after`, `limit` at most. */
  listSucceededBetween(
    processor: string,
    from: Date,
    to: Date,
    limit: number,
    after?: { createdAt: Date; id: string },
  ): Promise<CardRefund[]>;
}
