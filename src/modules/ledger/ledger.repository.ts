import type { Transaction } from '../../shared/transaction';
import type { Cursor } from '../../shared/pagination';
import type { MetadataFilter } from '../../shared/metadata';

export type TransferStatus = 'pending' | 'completed' | 'failed' | 'reversed';

export interface Transfer {
  id: string;
  type: string;
  status: TransferStatus;
  amount: bigint;
  currency: string;
  fromWalletId: string;
  toWalletId: string;
  refundOf: string | null;
  refundedAmount: bigint;
  description: string | null;
  initiatedBy: string;
  metadata: Record<string, unknown>;
  createdAt: Date;
}

/** One wallet's side of a transfer: negative amounts debit, positive credit. */
export interface LedgerEntry {
  id: string;
  transferId: string;
  walletId: string;
  /** Owner of the wallet; null for system accounts. */
  walletUserId: string | null;
  amount: bigint;
  balanceAfter: bigint;
  currency: string;
  counterpartyWalletId: string;
  createdAt: Date;
  transfer: Transfer;
}

export interface PostTransferCommand {
  transferId: string;
  type: string;
  fromWalletId: string;
  toWalletId: string;
  amount: bigint;
  currency: string;
  debitEntryId: string;
  creditEntryId: string;
  description: string | null;
  initiatedBy: string;
  refundOf: string | null;
  metadata: Record<string, unknown>;
}

export interface PostedBalances {
  debitBalance: bigint;
  creditBalance: bigint;
  postedAt: Date;
}

export interface HistoryFilter {
  type?: string;
  status?: TransferStatus;
  from?: Date;
  to?: Date;
  /** Only entries whose transfer's metadata matches every pair. */
  metadata?: MetadataFilter;
}

/** Why the database refused a posting, checked again under the row locks. */
export type RefusalCode = 'wallet_not_found' | 'currency_mismatch' | 'wallet_not_active' | 'insufficient_funds' | 'amount_out_of_range';

export class LedgerRefusal extends Error {
  constructor(
    readonly code: RefusalCode,
    /** In a multi-leg transaction: the index of the leg refused. */
    readonly leg?: number,
  ) {
    super(code);
  }
}

/** What became of one posting of a group: its balances, or why it was refused (it wrote nothing). */
export type PostingOutcome = PostedBalances | { refusal: RefusalCode };

/** The ledger's storage. Postings are atomic and append-only. */
export interface LedgerRepository {
  /**
   * Posts the commands in order, each checked against the balances the ones before it left; one
   * outcome per command, in the same order. Refusals write nothing and do not stop the others.
   */
  postTransfers(tx: Transaction, commands: readonly PostTransferCommand[]): Promise<PostingOutcome[]>;
  /** Adds to an original's refunded amount only while the total stays within its amount. */
  reserveRefund(tx: Transaction, originalTransferId: string, amount: bigint): Promise<boolean>;
  /** Creates the system account's shards for a currency if they do not exist yet. */
  ensureSystemAccounts(code: string, currency: string, shards: number, tenantId: string): Promise<string[]>;
  /** The lowest balance among these accounts (0 when none exists), read without locks. */
  lowestBalance(accountIds: readonly string[]): Promise<bigint>;
  findEntry(id: string): Promise<LedgerEntry | null>;
  listEntries(walletId: string, filter: HistoryFilter, limit: number, after?: Cursor): Promise<LedgerEntry[]>;
  /** The newest `limit` entries of each wallet, in one read (a GraphQL query's first pages of many wallets). */
  listLatestEntries(walletIds: readonly string[], limit: number): Promise<LedgerEntry[]>;
}
