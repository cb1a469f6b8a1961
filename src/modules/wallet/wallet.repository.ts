import type { Transaction } from '../../shared/transaction';
import type { Cursor } from '../../shared/pagination';
import type { MetadataFilter } from '../../shared/metadata';

export type WalletStatus = 'active' | 'frozen' | 'closed';

export interface Wallet {
  id: string;
  userId: string;
  currency: string;
  balance: bigint;
  /** Reserved by pending holds: part of the balance that cannot be spent (available = balance - held). */
  held: bigint;
  status: WalletStatus;
  label: string | null;
  metadata: Record<string, unknown>;
  lowBalanceThreshold: bigint | null;
  createdAt: Date;
  updatedAt: Date;
  /** Frozen by an operator: only an operator can change its status. */
  adminHold?: boolean;
}

export interface WalletChanges {
  label?: string | null;
  metadata?: Record<string, unknown>;
  status?: WalletStatus;
  lowBalanceThreshold?: bigint | null;
}

/** Storage of user wallets. Balances are changed only by the ledger, never through this port. */
export interface WalletRepository {
  insert(wallet: Omit<Wallet, 'balance' | 'held' | 'status' | 'createdAt' | 'updatedAt'>, tx?: Transaction): Promise<Wallet>;
  findById(id: string): Promise<Wallet | null>;
  findManyByIds(ids: readonly string[]): Promise<Wallet[]>;
  /**
   * Newest first; limit + 1 rows so the caller can tell whether there is a next page. With a
   * metadata filter, only the wallets whose metadata matches every pair of it.
   */
  listByUser(userId: string, limit: number, after?: Cursor, metadata?: MetadataFilter): Promise<Wallet[]>;
  /**
   * Applies the changes to a wallet that is not closed; a close only if the balance is zero (and
   * so nothing is held) at that moment; a status change only while no operator holds it. Returns null when nothing was
   * changed (closed already, money still in it, or held).
   */
  update(id: string, changes: WalletChanges, tx?: Transaction): Promise<Wallet | null>;
}
