import type { Transaction } from '../../../shared/transaction';
import type { Cursor } from '../../../shared/pagination';

export type PayoutStatus = 'pending' | 'paid' | 'failed' | 'returned';
export type DestinationType = 'card' | 'bank_account';

export interface Payout {
  /** Also the processor's idempotency key (PayoutRequest.payoutId). */
  id: string;
  userId: string;
  walletId: string;
  amount: bigint;
  currency: string;
  /** A card token's id, or a registered bank account's (pdst_…); never the processor's own id. */
  destination: { type: DestinationType; id: string; last4: string };
  processor: string;
  status: PayoutStatus;
  processorPayoutId: string | null;
  failureCode: string | null;
  debitTransferId: string;
  settleTransferId: string | null;
  reversalTransferId: string | null;
  /** The UTC day (YYYY-MM-DD) whose daily limit the amount counts against. */
  limitDay: string;
  /** Processor attempts while pending, status checks once paid; this one included once claimed. */
  attempts: number;
  lastError: string | null;
  paidAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** Whose payout it is: it goes to that tenant's processor of the recorded name. */
  tenantId: string;
}

export type NewPayout = Pick<
  Payout,
  'id' | 'userId' | 'walletId' | 'amount' | 'currency' | 'destination' | 'processor' | 'debitTransferId' | 'limitDay'
>;

/** A bank account registered with the processor: its id there and its last four digits only. */
export interface BankAccountDestination {
  id: string;
  ownerId: string;
  type: 'bank_account';
  processor: string;
  processorDestinationId: string;
  last4: string;
  country: string;
  currency: string;
  bankName: string | null;
  createdAt: Date;
}

/** The key of one daily limit counter. */
export interface DailyTotalKey {
  userId: string;
  currency: string;
  day: string;
}

/**
 * Payouts, their daily totals and bank account destinations. The state changes (mark*) run in the
 * transaction of the ledger posting that goes with them and change the row only from the state
 * they expect, under its lock: false means another report got there first and nothing may be posted.
 */
export interface PayoutRepository {
  /**
   * Adds `amount` to the day's total unless that would pass `limit`; the new total, or null when
   * it would (nothing changed). Concurrent callers queue on the counter row.
   */
  reserveDailyTotal(tx: Transaction, key: DailyTotalKey, amount: bigint, limit: bigint): Promise<bigint | null>;
  releaseDailyTotal(tx: Transaction, key: DailyTotalKey, amount: bigint): Promise<void>;
  /** Inside the debit's transaction. */
  insert(tx: Transaction, payout: NewPayout): Promise<Payout>;
  findById(id: string): Promise<Payout | null>;
  findByProcessorPayoutId(processor: string, processorPayoutId: string): Promise<Payout | null>;
  /** For reconciliation: this processor's payouts carrying these ids (unknown ids are left out). */
  findByProcessorPayoutIds(processor: string, processorPayoutIds: readonly string[]): Promise<Payout[]>;
  /**
   * For reconciliation: this processor's payouts paid in [from, to] (returned ones too: they were
   * paid out first), oldest first by (paidAt, id), after the cursor, `limit` at most.
   */
  listPaidBetween(processor: string, from: Date, to: Date, limit: number, after?: { paidAt: Date; id: string }): Promise<Payout[]>;
  /** limit + 1 rows newest first, after the cursor. */
  listByWallet(walletId: string, limit: number, after?: Cursor): Promise<Payout[]>;

  /** pending -> paid with the processor's id; the first return check is due at once. */
  markPaid(tx: Transaction, id: string, processorPayoutId: string): Promise<boolean>;
  /** pending -> failed. */
  markFailed(tx: Transaction, id: string, failureCode: string): Promise<boolean>;
  /** paid -> returned. */
  markReturned(tx: Transaction, id: string, failureCode: string): Promise<boolean>;
  recordTransfer(tx: Transaction, id: string, kind: 'settle' | 'reversal', transferId: string): Promise<void>;

  /** Leases this payout if it is `status`, due, and not leased; null otherwise. */
  claim(id: string, status: 'pending' | 'paid', leaseMs: number): Promise<Payout | null>;
  /** Leases up to `limit` due payouts in `status`; concurrent callers get different ones. */
  claimDue(status: 'pending' | 'paid', limit: number, leaseMs: number): Promise<Payout[]>;
  /** The next attempt or check after `delayMs`; no-op if claimed again or moved since. */
  scheduleNext(payout: Payout, delayMs: number, error: string | null): Promise<void>;
  /** No more automatic attempts or checks (settled for good, or left to an operator). */
  stopAttempts(payout: Payout, error: string | null): Promise<void>;

  insertDestination(destination: Omit<BankAccountDestination, 'createdAt'>): Promise<BankAccountDestination>;
  /** The destination if one of `ownerIds` registered it. */
  findDestination(ownerIds: readonly string[], id: string): Promise<BankAccountDestination | null>;
  /** For the workers, which act on payouts already authorised. */
  findDestinationById(id: string): Promise<BankAccountDestination | null>;
}
