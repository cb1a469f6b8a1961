import type { Transaction } from '../../shared/transaction';

export interface StoredReply {
  requestHash: string;
  status: number;
  /** The exact JSON text that was sent the first time. */
  body: string;
}

export interface IdempotencyRepository {
  /** The live (unexpired) reply stored under scope + key, if any. */
  find(scope: string, key: string): Promise<StoredReply | null>;
  /**
   * Claims the key inside the caller's transaction (the unique key is the claim). Returns false
   * when a live record already holds it; an expired one is replaced.
   */
  save(tx: Transaction, scope: string, key: string, reply: StoredReply, expiresAt: Date): Promise<boolean>;
  /** Deletes at most `limit` keys expired by `now`; returns how many. */
  deleteExpired(now: Date, limit: number): Promise<number>;
}
