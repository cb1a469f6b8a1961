import type { Transaction } from '../../shared/transaction';
import type { Cursor } from '../../shared/pagination';
import type { MetadataFilter } from '../../shared/metadata';
import type { Transfer } from './ledger.repository';

/** A transfer as the lists and multi-leg transactions show it: with its journal and its wallets' owners. */
export interface TransferRecord extends Transfer {
  /** The multi-leg transaction (mlt_…) this transfer is a leg of, or null. */
  journalId: string | null;
  /** Its position among the legs (0-based), or null. */
  journalLeg: number | null;
  /** Owners of the source and destination wallets (null for a system account). */
  fromUserId: string | null;
  toUserId: string | null;
}

/** Reads and links of transfers beyond the posting itself. */
export interface TransferRecords {
  /**
   * Marks the transfers as the legs of one multi-leg transaction, in this order. Runs in the
   * posting's transaction, so the legs and their link commit together. Returns the legs' creation
   * time as stored (millisecond precision), so a reply shows what a later read shows.
   */
  attachToJournal(tx: Transaction, journalId: string, transferIds: readonly string[]): Promise<void>;
  /** The legs of a multi-leg transaction, in order; empty when there is none. */
  journalLegs(journalId: string): Promise<TransferRecord[]>;
  /**
   * Transfers from or to the user's wallets whose metadata matches every pair of the filter,
   * newest first; limit + 1 rows so the caller can tell whether there is a next page.
   */
  listForUser(userId: string, metadata: MetadataFilter, limit: number, after?: Cursor): Promise<TransferRecord[]>;
}
