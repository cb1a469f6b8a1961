import type { Transaction } from '../../../shared/transaction';
import type { Cursor } from '../../../shared/pagination';
import type { WalletStatus } from '../../wallet';

export interface Customer {
  id: string;
  email: string;
  createdAt: Date;
  lockedAt: Date | null;
  lockedReason: string | null;
}

export interface CustomerWallet {
  id: string;
  currency: string;
  balance: bigint;
  status: WalletStatus;
  adminHold: boolean;
  label: string | null;
  createdAt: Date;
}

/** One side of a transfer, as the customer's wallet saw it. */
export interface CustomerEntry {
  id: string;
  transferId: string;
  walletId: string;
  type: string;
  status: string;
  amount: bigint;
  currency: string;
  createdAt: Date;
}

/** An agent row reduced to columns known to hold no secret. */
export type AgentSummary = Record<string, unknown>;

/** Reads and holds on customers (users with role `user`) and their wallets. */
export interface CustomerRepository {
  /** `q`: an exact user id, or the start of an email (case-insensitive). Newest first, limit + 1. */
  search(q: string | undefined, limit: number, after?: Cursor): Promise<Customer[]>;
  find(id: string, tx?: Transaction): Promise<Customer | null>;
  walletsOf(userId: string, limit: number): Promise<CustomerWallet[]>;
  recentEntries(userId: string, limit: number): Promise<CustomerEntry[]>;
  /** Empty when the agents table does not exist (yet). */
  agentsOf(userId: string, limit: number): Promise<AgentSummary[]>;
  /** Locks the wallet row; null for an unknown or system wallet. */
  lockWallet(tx: Transaction, walletId: string): Promise<CustomerWallet | null>;
  setWalletHold(tx: Transaction, walletId: string, hold: boolean): Promise<CustomerWallet>;
  /** Freezes (hold) every open wallet of the user, or releases every frozen one; returns the ids changed. */
  setCustomerHold(tx: Transaction, userId: string, hold: boolean): Promise<string[]>;
  setLock(tx: Transaction, userId: string, reason: string | null): Promise<void>;
}
