import type { Transaction } from '../../shared/transaction';
import type { LedgerEntry, Transfer } from './ledger.repository';

// The ledger's request and result shapes, apart from the service so the posting queue and the
// event builder can use them without importing the service that imports them (no cycle).

export interface PostedTransfer {
  transfer: Transfer;
  debit: LedgerEntry;
  credit: LedgerEntry;
  /** On a refund whose original came from outside the ledger: what is owed back outside it. */
  externalRefund?: ExternalRefund;
}

/** A refund owed outside the ledger (to the card that funded the original), as recorded at commit. */
export interface ExternalRefund {
  id: string;
  status: string;
}

/**
 * Sends back outside the ledger what a refund takes out of it: a refund of a card-funded transfer
 * moves the money to the funding account, and the card must get it back. Registered per type of
 * original at composition (`handleRefundsOf`), so the ledger does not depend on payments.
 */
export interface ExternalRefundHandler {
  /**
   * Runs in the refund's transaction after the ledger write and records the obligation, so the
   * refund and the obligation commit together or not at all; throwing refuses the refund.
   */
  record(tx: Transaction, original: Transfer, refund: PostedTransfer): Promise<ExternalRefund>;
  /** Runs after the commit: starts settling it. Must neither throw nor make the caller wait. */
  settle(external: ExternalRefund): void;
}

/** Runs inside the posting's transaction (idempotency keys use it to commit with the money). */
export type InTransaction<R> = (tx: Transaction, result: R) => Promise<void>;

export interface PostingOptions {
  /** Runs in the posting's transaction after the ledger write, e.g. to store an idempotent reply. */
  inTx?: InTransaction<PostedTransfer>;
  /**
   * Runs in the posting's transaction before the ledger write; throwing refuses the posting and
   * rolls back whatever it wrote (a spending policy locking and updating its counters).
   */
  guard?: (tx: Transaction) => Promise<void>;
  /** Recorded on the transfer (default: the method's own type). */
  type?: string;
  /**
   * Given: the movement may be held for an operator's review instead of posted (the screen then
   * answers with a HeldForReview), and this runs in the transaction that holds the money (to
   * store the idempotent reply). Absent: the screen either allows or refuses.
   */
  onHeld?: InTransaction<HeldForReview>;
  metadata?: Record<string, unknown>;
  /** Runs after the posting commits (the screen's alert of a movement flagged for review); must not throw. */
  afterCommit?: () => void;
}

/** Money that enters from outside the ledger (a card charge, a wallet top-up) into a user wallet. */
export interface ExternalCredit {
  walletId: string;
  amount: bigint;
  /** The system account it comes from, e.g. "funding". */
  source: string;
  description: string;
  initiatedBy: string;
}

/**
 * The data of `transfer.posted`, published after every committed posting for in-process
 * listeners (metrics, monitoring, auto top-up), so none of them has to read the transfer back.
 */
// A type, not an interface: event data must be assignable to Record<string, unknown>.
export type TransferPosted = {
  transferId: string;
  type: string;
  currency: string;
  /** Integer minor units, as a string. */
  amount: string;
  fromWalletId: string;
  /** False when the money came from a system account (funding, adjustments). */
  fromUserWallet: boolean;
  /** The source wallet's balance right after this posting. */
  fromBalance: string;
  createdAt: string;
};

export interface TransferRequest {
  fromWalletId: string;
  toWalletId: string;
  amount: bigint;
  currency?: string;
  description?: string;
}

/**
 * What the ledger asks a MovementScreen about, before the money moves. Refunds, adjustments, holds
 * and hold captures are scored but never refused (docs/risk.md), nor is a credit whose money has
 * already come in (`charged`).
 */
export interface Movement {
  kind:
    'transfer' | 'agent_payment' | 'hold_capture' | 'multi_leg' | 'payout' | 'card_funding' | 'credit' | 'refund' | 'adjustment' | 'hold';
  /** The user wallet scored: the payer, or for money in (`inbound`) the wallet credited. */
  fromWalletId: string;
  /** The user wallet paid; null when the money leaves to or comes from a system account (a payout, a card funding). */
  toWalletId: string | null;
  /** Money into `fromWalletId` from outside the user wallets (a card funding, an operator's credit). */
  inbound?: boolean;
  /** The money came in already (a card charge that succeeded): the credit is scored, never refused. */
  charged?: boolean;
  amount: bigint;
  currency: string;
  initiatedBy: string;
  /** For a hold capture: the hold (a hold held for risk review may be captured by its review only). */
  holdId?: string;
  /** The movement may be held for review (see PostingOptions.onHeld). */
  onHeld?: InTransaction<HeldForReview>;
}

/** A movement not posted but held (the money reserved by a hold) until an operator decides. */
export interface HeldForReview {
  status: 'pending_review';
  reviewId: string;
  holdId: string;
}

/**
 * What the screen decided: post (and record the score with the movement, then `committed` after the
 * commit: the alert of a movement flagged for review), or held for review.
 */
export type ScreenVerdict =
  { post: (tx: Transaction, movementId: string) => Promise<void>; committed?: () => void } | { held: HeldForReview };

/** The verdict of a movement that cannot be held (no onHeld): it posts, or the screen threw. */
export type PostVerdict = Extract<ScreenVerdict, { post: unknown }>;

/**
 * Screens every money movement before it is posted (the risk module, registered at composition
 * with `screenMovementsWith`, so the ledger does not depend on it). Throwing refuses the movement
 * and nothing is posted; otherwise the returned function runs in the posting's transaction with
 * the transfer's id (to store the score with it).
 */
export interface MovementScreen {
  screen(movement: Movement): Promise<ScreenVerdict>;
}
