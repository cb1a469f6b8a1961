import type { Transaction } from '../../shared/transaction';

export type Eip3009SettlementStatus = 'submitted' | 'settled' | 'failed';

/** One EIP-3009 authorization that OCP submitted from its gas key, and what became of it. */
export interface Eip3009Settlement {
  id: string;
  chainId: number;
  /** The token contract, checksummed. */
  asset: string;
  from: string;
  to: string;
  value: bigint;
  /** The authorization's nonce, lowercase 0x-hex. */
  authNonce: string;
  validBefore: bigint;
  gasWalletId: string;
  gasNonce: number;
  hash: string;
  rawTx: string;
  status: Eip3009SettlementStatus;
  blockNumber: number | null;
  failureReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type Eip3009Outcome = { status: 'settled'; blockNumber: number } | { status: 'failed'; blockNumber: number | null; reason: string };

/** Storage of EIP-3009 settlements. Errors: only the database's. */
export interface Eip3009SettlementRepository {
  /**
   * Records a settlement in `tx`; false (and nothing written) when its (chain, asset, from, nonce) has a
   * live settlement (submitted or settled) already. A failed one does not count: it never moved the token.
   */
  claim(tx: Transaction, settlement: Eip3009Settlement): Promise<boolean>;
  /** The authorization's live settlement (submitted or settled), if any. */
  findLive(chainId: number, asset: string, from: string, authNonce: string): Promise<Eip3009Settlement | null>;
  /** Moves a submitted settlement to its outcome; false if it was no longer submitted. */
  finish(id: string, outcome: Eip3009Outcome): Promise<boolean>;
  /**
   * A submitted settlement whose broadcast the node refused: failed, and its gas nonce marked free for
   * the next settlement when `nonceFree` (no other transaction holds it). False if it was no longer submitted.
   */
  reject(tx: Transaction, id: string, reason: string, nonceFree: boolean): Promise<boolean>;
  /** The lowest free gas nonce of the gas wallet on the chain, taken (no longer free); null when there is none. */
  takeFreeGasNonce(tx: Transaction, chainId: number, gasWalletId: string): Promise<number | null>;
  /** The submitted ones, oldest first. */
  open(limit: number): Promise<Eip3009Settlement[]>;
}
