import type { Transaction } from '../../shared/transaction';

/**
 * What the A2A edge keeps, declared here where it is used; the a2a module implements it over SQL
 * (src/modules/a2a/adapters), so PGlite and PostgreSQL both keep tasks across restarts.
 */

/** One A2A task as stored: the SDK's Task.toJSON, with what the store filters on copied out. */
export interface A2aTaskRecord {
  id: string;
  contextId: string;
  /** The calling agent: the only one that can read the task. */
  ownerAgentId: string;
  /** The agent whose card the task was sent to. */
  targetAgentId: string;
  /** The A2A v1.0 JSON name of the state, e.g. TASK_STATE_COMPLETED. */
  state: string;
  paymentId: string | null;
  task: unknown;
  updatedAt: Date;
}

export interface A2aTaskFilter {
  contextId?: string;
  state?: string;
  updatedAfter?: Date;
}

/** Errors: only the database's. */
export interface A2aTaskRecords {
  /**
   * Inserts or replaces the task, unless a task with this id belongs to another agent (then it
   * writes nothing and returns false: ids are the SDK's UUIDs, a clash is a client's made-up id).
   */
  save(record: Omit<A2aTaskRecord, 'updatedAt'>): Promise<boolean>;
  /** The caller's task, or null (also for another agent's task). */
  find(ownerAgentId: string, id: string): Promise<A2aTaskRecord | null>;
  /** Any agent's task that made or waits on this payment (for the owner's approval to move it on). */
  findByPayment(paymentId: string): Promise<A2aTaskRecord | null>;
  /** Most recently updated first; `limit` rows after the cursor. */
  list(ownerAgentId: string, filter: A2aTaskFilter, limit: number, after?: { updatedAt: Date; id: string }): Promise<A2aTaskRecord[]>;
  count(ownerAgentId: string, filter: A2aTaskFilter): Promise<number>;
}

export interface PaymentRequestRecord {
  id: string;
  payeeAgentId: string;
  amount: bigint;
  currency: string;
  memo: string | null;
  status: 'open' | 'paid';
  expiresAt: Date;
  createdAt: Date;
  paidAt: Date | null;
  payerAgentId: string | null;
  paymentId: string | null;
}

/** Errors: only the database's. */
export interface PaymentRequestRecords {
  insert(
    request: Pick<PaymentRequestRecord, 'id' | 'payeeAgentId' | 'amount' | 'currency' | 'memo' | 'expiresAt'>,
  ): Promise<PaymentRequestRecord>;
  find(id: string): Promise<PaymentRequestRecord | null>;
  /**
   * Marks an open, unexpired request paid by this payment, inside the payment's transaction; false
   * when it is no longer open (paid by a concurrent settlement) or has expired.
   */
  markPaid(tx: Transaction, id: string, paid: { payerAgentId: string; paymentId: string; at: Date }): Promise<boolean>;
}
