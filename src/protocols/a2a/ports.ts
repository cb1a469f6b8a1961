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

/**
 * A push-notification config an agent set on one of its tasks (A2A v1.0 TaskPushNotificationConfig),
 * secrets in clear: the adapter keeps the token and credentials encrypted at rest.
 */
export interface A2aPushConfig {
  /** The agent that set it: the task's owner, the only one that reads it or is pushed for it. */
  ownerAgentId: string;
  taskId: string;
  configId: string;
  url: string;
  /** Sent as X-A2A-Notification-Token; '' when none. */
  token: string;
  /** Sent as `Authorization: <scheme> <credentials>`. */
  authentication: { scheme: string; credentials: string } | null;
}

/** Errors: only the database's. */
export interface A2aPushConfigRecords {
  /**
   * Inserts the config, or replaces the one with the same owner, task and config id; false (nothing
   * written) when the task already has `perTaskMax` other configs of this owner.
   */
  save(config: A2aPushConfig, perTaskMax: number): Promise<boolean>;
  /** The owner's configs of the task, oldest first. */
  list(ownerAgentId: string, taskId: string): Promise<A2aPushConfig[]>;
  delete(ownerAgentId: string, taskId: string, configId: string): Promise<void>;
}
