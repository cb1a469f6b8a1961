/**
 * A wallet's balance through time, read from its ledger entries. Entries are ordered by
 * (createdAt, seq): createdAt is the posting's time (millisecond precision, shared by a posting
 * group) and seq the order the rows were written in, so ties within a group keep posting order.
 */

/** A place in a wallet's entries: the (createdAt, seq) of the last entry a page ended with. */
export interface EntryPosition {
  createdAt: Date;
  seq: bigint;
}

/** One entry as a statement shows it; `amount` is signed (debits negative). */
export interface StatementEntry extends EntryPosition {
  id: string;
  transferId: string;
  type: string;
  amount: bigint;
  balanceAfter: bigint;
  counterpartyWalletId: string;
  description: string | null;
}

/** Storage side of point-in-time balances and statements. Errors: none beyond the database's own. */
export interface BalanceHistoryRepository {
  /**
   * The balance after the last entry stamped strictly before `instant` (0 when there is none):
   * one index probe, whatever the wallet's age.
   */
  balanceBefore(walletId: string, instant: Date): Promise<bigint>;
  /** Where the wallet's entry `entryId` stands in its order; null when the wallet has no such entry. */
  positionOf(walletId: string, entryId: string): Promise<EntryPosition | null>;
  /** Up to `limit` entries with from <= createdAt < to, after `after`, oldest first. */
  entriesBetween(walletId: string, from: Date, to: Date, limit: number, after?: EntryPosition): Promise<StatementEntry[]>;
}
