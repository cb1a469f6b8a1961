import type { Transaction } from '../../shared/transaction';
import type { Cursor } from '../../shared/pagination';

export type AgentPaymentStatus = 'completed' | 'pending_approval' | 'declined' | 'expired';
/** 'paid' and 'refused_by_server' are what the paid server made of an x402 payment OCP signed. */
export type AgentDecision = 'allowed' | 'refused' | 'pending_approval' | 'declined' | 'expired' | 'paid' | 'refused_by_server';

export interface AgentPayment {
  id: string;
  agentId: string;
  ownerId: string;
  status: AgentPaymentStatus;
  amount: bigint;
  currency: string;
  fromWalletId: string;
  toWalletId: string;
  toAgentId: string | null;
  merchantId: string | null;
  memo: string | null;
  /** Which API asked: "a2a", "ucp_credential", "ucp_intent" ("ucp_checkout" on older rows). */
  source: string;
  /** The caller's own id for it, e.g. the UCP checkout id. */
  reference: string | null;
  policyVersion: number;
  mandateId: string | null;
  mandateHash: string | null;
  transferId: string | null;
  expiresAt: Date | null;
  decidedAt: Date | null;
  createdAt: Date;
}

export interface AuditRecord {
  agentId: string;
  ownerId: string;
  paymentId: string | null;
  decision: AgentDecision;
  rule: string | null;
  reason: string;
  policyVersion: number | null;
  amount: bigint | null;
  currency: string | null;
  /** For x402 payments instead of a currency: the token, `eip155:<chainId>/erc20:<address>` (amount in its base units). */
  asset: string | null;
}

export interface AuditEntry extends AuditRecord {
  id: string;
  createdAt: Date;
}

/**
 * Spend counters, agent payments and the audit log. Methods taking `tx` run in the caller's
 * transaction; the `lock*` ones hold row locks until it ends. Errors: only the database's.
 */
export interface AgentPaymentRepository {
  /** Creates missing counters, locks them all (FOR UPDATE, in period order) and returns what each holds. */
  lockCounters(tx: Transaction, agentId: string, periods: readonly string[]): Promise<Map<string, bigint>>;
  addToCounters(tx: Transaction, agentId: string, periods: readonly string[], amount: bigint): Promise<void>;
  /** What the counters hold now, without locking (for display only). */
  readCounters(agentId: string, periods: readonly string[]): Promise<Map<string, bigint>>;

  /** Throws DuplicateCheckoutPayment when that merchant checkout already has a live payment. */
  insert(tx: Transaction, payment: AgentPayment): Promise<void>;
  findById(id: string): Promise<AgentPayment | null>;
  /** The payment locked FOR UPDATE: concurrent approvals of it take turns. */
  lock(tx: Transaction, id: string): Promise<AgentPayment | null>;
  complete(tx: Transaction, id: string, transferId: string, policyVersion: number): Promise<void>;
  /** Moves a pending payment to declined/expired; null when it was no longer pending. */
  closePending(tx: Transaction, id: string, status: 'declined' | 'expired'): Promise<AgentPayment | null>;
  /** Pending payments of an owner whose approval window has passed, moved to expired. */
  expireDue(tx: Transaction, ownerId: string, now: Date): Promise<AgentPayment[]>;
  /**
   * Up to `limit` pending payments of any owner whose approval window has passed, moved to expired;
   * rows another transaction holds are skipped (it is deciding them).
   */
  expireOverdue(tx: Transaction, now: Date, limit: number): Promise<AgentPayment[]>;

  listByAgent(agentId: string, limit: number, after?: Cursor): Promise<AgentPayment[]>;
  listPendingByOwner(ownerId: string, limit: number, after?: Cursor): Promise<AgentPayment[]>;

  appendAudit(tx: Transaction, record: AuditRecord): Promise<void>;
  listAudit(agentId: string, limit: number, after?: Cursor): Promise<AuditEntry[]>;
}

export class DuplicateCheckoutPayment extends Error {}
