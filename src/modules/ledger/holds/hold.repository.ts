import type { Cursor } from '../../../shared/pagination';
import type { Transaction } from '../../../shared/transaction';

export const HOLD_STATUSES = ['pending', 'captured', 'voided', 'expired'] as const;
export type HoldStatus = (typeof HOLD_STATUSES)[number];

/** Money reserved in a user wallet for one payee until it is captured, voided or expires. */
export interface Hold {
  id: string;
  status: HoldStatus;
  amount: bigint;
  /** What the capture posted (0 unless captured); the rest was released. */
  capturedAmount: bigint;
  currency: string;
  fromWalletId: string;
  toWalletId: string;
  /** Owners of the two wallets: the payer and the payee, who may both see, capture and void it. */
  fromUserId: string;
  toUserId: string;
  description: string | null;
  createdBy: string;
  expiresAt: Date;
  captureTransferId: string | null;
  /** When it left pending (captured, voided or expired). */
  settledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export type NewHold = Pick<Hold, 'id' | 'amount' | 'currency' | 'fromWalletId' | 'toWalletId' | 'description' | 'createdBy' | 'expiresAt'>;

/** What a hold needs to know of a wallet, read under its row lock. */
export interface WalletFunds {
  id: string;
  status: string;
  balance: bigint;
  held: bigint;
}

/**
 * Storage of holds. Every change of a hold's state changes its source wallet's `held` in the same
 * call, so the two never disagree. Lock order, everywhere: the hold row, then wallets in id order
 * (as the posting function locks them), so holds, captures and transfers cannot deadlock.
 * Errors: none expected beyond the database's own.
 */
export interface HoldRepository {
  /** Locks these wallets in id order until the transaction ends and reads their funds. */
  lockWallets(tx: Transaction, ids: readonly string[]): Promise<WalletFunds[]>;
  /** Inserts a pending hold and adds its amount to the source wallet's held (already locked). */
  insert(tx: Transaction, hold: NewHold): Promise<Hold>;
  findById(id: string): Promise<Hold | null>;
  /** Holds from or to the wallet, newest first; limit + 1 rows so the caller can tell whether there is a next page. */
  listByWallet(walletId: string, status: HoldStatus | undefined, limit: number, after?: Cursor): Promise<Hold[]>;
  /**
   * Moves a hold that is still pending and not yet due at `now` to `status`, and releases its
   * whole amount from the source wallet's held. Null when it is not (any longer): another capture,
   * void or the expiry got there first.
   */
  settle(tx: Transaction, id: string, status: 'captured' | 'voided', capturedAmount: bigint, now: Date): Promise<Hold | null>;
  /** Links a captured hold to the transfer that posted its capture. */
  recordCaptureTransfer(tx: Transaction, id: string, transferId: string): Promise<void>;
  /**
   * Expires up to `limit` pending holds due at `now` and releases their amounts. Holds another
   * transaction has locked are skipped, so concurrent workers share the work and each hold expires once.
   * `onlyId` narrows it to one hold (a capture or void that found it overdue).
   */
  expireDue(tx: Transaction, now: Date, limit: number, onlyId?: string): Promise<Hold[]>;
}
