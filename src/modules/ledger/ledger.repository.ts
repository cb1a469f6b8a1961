import type { SqlClient } from '../../infra/db/database';
import type { Cursor } from '../../shared/pagination';

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
}

/** Why the database refused a posting, checked again under the row locks. */
export type RefusalCode = 'wallet_not_found' | 'currency_mismatch' | 'wallet_not_active' | 'insufficient_funds';

export class LedgerRefusal extends Error {
  constructor(readonly code: RefusalCode) {
    super(code);
  }
}

/**
 * The ledger's storage. Postings are atomic and append-only. Errors: postTransfer throws
 * LedgerRefusal; everything else is unexpected.
 */
export interface LedgerRepository {
  postTransfer(tx: SqlClient, command: PostTransferCommand): Promise<PostedBalances>;
  /** Adds to an original's refunded amount only while the total stays within its amount. */
  reserveRefund(tx: SqlClient, originalTransferId: string, amount: bigint): Promise<boolean>;
  /** Creates the system account's shards for a currency if they do not exist yet. */
  ensureSystemAccounts(code: string, currency: string, shards: number): Promise<string[]>;
  findEntry(id: string): Promise<LedgerEntry | null>;
  listEntries(walletId: string, filter: HistoryFilter, limit: number, after?: Cursor): Promise<LedgerEntry[]>;
}
