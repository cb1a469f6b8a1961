import type { Transaction } from '../../shared/transaction';
import type { Cursor } from '../../shared/pagination';

export interface Web3Wallet {
  id: string;
  ownerId: string;
  /** Checksummed. */
  address: string;
  chainId: number | null;
  label: string | null;
  createdAt: Date;
}

export type SendStatus = 'pending' | 'confirmed' | 'failed';

export interface Web3Send {
  id: string;
  walletId: string;
  ownerId: string;
  chainId: number;
  from: string;
  to: string;
  /** 'native' or the ERC-20 contract address. */
  asset: string;
  assetSymbol: string;
  /** Base units (wei, or the token's smallest unit). */
  amount: bigint;
  nonce: number;
  hash: string;
  rawTx: string;
  status: SendStatus;
  blockNumber: number | null;
  gasUsed: bigint | null;
  failureReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The pending sends of one chain: how many, and when the oldest was broadcast. */
export interface PendingSendsOfChain {
  chainId: number;
  count: number;
  oldestCreatedAt: Date;
}

export type SettledSend =
  | { status: 'confirmed'; blockNumber: number; gasUsed: bigint }
  | { status: 'failed'; blockNumber: number | null; gasUsed: bigint | null; reason: string };

/** Storage of web3 wallets, sends and nonces. Errors: only the database's. */
export interface Web3Repository {
  insertWallet(tx: Transaction, wallet: Web3Wallet): Promise<void>;
  findWallet(id: string): Promise<Web3Wallet | null>;
  /** By its checksummed address (unique). */
  findWalletByAddress(address: string): Promise<Web3Wallet | null>;
  /** Limit + 1 rows, newest first, after the cursor. */
  listWallets(ownerId: string, limit: number, after?: Cursor): Promise<Web3Wallet[]>;

  /** Locks the (chain, address) nonce row for the rest of `tx`, creating it at 0; returns its next nonce. */
  lockNonce(tx: Transaction, chainId: number, address: string): Promise<number>;
  setNextNonce(tx: Transaction, chainId: number, address: string, nextNonce: number): Promise<void>;

  insertSend(tx: Transaction, send: Web3Send): Promise<void>;
  findSend(id: string): Promise<Web3Send | null>;
  listSends(walletId: string, limit: number, after?: Cursor): Promise<Web3Send[]>;
  pendingSends(chainId: number, limit: number): Promise<Web3Send[]>;
  /** Pending sends counted per chain (chains with none are absent); read by the metrics at scrape time. */
  pendingSendsByChain(): Promise<PendingSendsOfChain[]>;
  /** Moves a pending send to its outcome; false if it was no longer pending (another watcher won). */
  settleSend(tx: Transaction, id: string, outcome: SettledSend): Promise<boolean>;
}
