import type { Transaction } from '../../../shared/transaction';

export type ChargeStatus = 'pending' | 'succeeded' | 'failed' | 'credited';
export type ChargePurpose = 'card_funding' | 'auto_top_up' | 'apple_pay' | 'google_pay';

export interface CardCharge {
  id: string;
  scope: string;
  idempotencyKey: string;
  purpose: ChargePurpose;
  walletId: string;
  tokenId: string;
  amount: bigint;
  currency: string;
  processor: string;
  status: ChargeStatus;
  processorChargeId: string | null;
  failureCode: string | null;
  transferId: string | null;
  /** The Apple Pay / Google Pay session this charge paid (one charge per session); null otherwise. */
  paymentSessionId: string | null;
  createdAt: Date;
  /** Attempts of the recovery sweeper so far (0 for a charge its request finished). */
  recoveryAttempts: number;
  /** Whose charge it is: its processor is that tenant's processor of this name. */
  tenantId: string;
}

export type NewCardCharge = Pick<
  CardCharge,
  'id' | 'scope' | 'idempotencyKey' | 'purpose' | 'walletId' | 'tokenId' | 'amount' | 'currency' | 'processor'
> &
  Partial<Pick<CardCharge, 'paymentSessionId'>>;

/** The record of every card charge, written before the processor is asked. */
export interface CardChargeRepository {
  /**
   * Inserts the charge, or returns the one already recorded under (scope, idempotencyKey).
   * Errors: payment_session_used (409) when another charge already paid its payment session.
   */
  claim(charge: NewCardCharge): Promise<{ charge: CardCharge; created: boolean }>;
  /** The charge recorded under the caller's idempotency key, if any. */
  findByKey(scope: string, idempotencyKey: string): Promise<CardCharge | null>;
  recordSucceeded(id: string, processorChargeId: string): Promise<void>;
  recordFailed(id: string, failureCode: string): Promise<void>;
  /** succeeded -> credited, inside the credit's transaction; false if it was not 'succeeded'. */
  markCredited(tx: Transaction, id: string, transferId: string): Promise<boolean>;
  /** Records (or counts again) a charge that could not be credited. */
  recordForReconciliation(id: string, reason: string): Promise<void>;
  resolveReconciliation(tx: Transaction, id: string): Promise<void>;

  // The recovery sweeper's side (card-charge-recovery.ts).
  findById(id: string): Promise<CardCharge | null>;
  /**
   * Leases up to `limit` open charges ('pending' or 'succeeded') unchanged for `staleAfterMs` and due
   * for recovery, for `leaseMs`, counting an attempt. Concurrent callers get different charges.
   */
  claimStale(limit: number, staleAfterMs: number, leaseMs: number): Promise<CardCharge[]>;
  /** Next recovery attempt of a charge claimed with `attempt`, after `delayMs`; no-op if claimed again since. */
  scheduleRecovery(id: string, attempt: number, delayMs: number): Promise<void>;
  /** Stops the sweeper from taking the charge again (it is in funding_reconciliation for an operator). */
  abandonRecovery(id: string, attempt: number): Promise<void>;

  // Reconciliation against the processor's settlement file (../reconciliation).
  /** The charges of this processor carrying these processor charge ids. */
  findByProcessorChargeIds(processor: string, processorChargeIds: readonly string[]): Promise<CardCharge[]>;
  /**
   * The charges of this processor created in [from, to] that the processor charged (succeeded or
   * credited), oldest first by (createdAt, id), after `after`, `limit` at most.
   */
  listProcessedBetween(
    processor: string,
    from: Date,
    to: Date,
    limit: number,
    after?: { createdAt: Date; id: string },
  ): Promise<CardCharge[]>;
}
