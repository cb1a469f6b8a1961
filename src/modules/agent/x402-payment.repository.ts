import type { Cursor } from '../../shared/pagination';
import type { Transaction } from '../../shared/transaction';

/** `expired`: signed, never settled, and past its authorization's window on chain: it can never move money. */
export type X402PaymentStatus = 'signed' | 'paid' | 'refused_by_server' | 'expired';

/** An x402 payment OCP signed for an agent, and what the server made of it. */
export interface AgentX402Payment {
  id: string;
  agentId: string;
  ownerId: string;
  url: string;
  /** `eip155:<chainId>/erc20:<address lowercase>`. */
  asset: string;
  payTo: string;
  amount: bigint;
  authNonce: string;
  status: X402PaymentStatus;
  httpStatus: number | null;
  settlementTx: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * What binds a signed payment to the caller's Idempotency-Key until its outcome is known: the key
 * (scope + key, as the idempotency layer scopes it), the hash of the fetch it pays for, the policy
 * version that allowed it and the signed x402 payload a retry with the key sends again.
 */
export interface X402PaymentKey {
  scope: string;
  key: string;
  requestHash: string;
}

export interface X402Resend extends X402PaymentKey {
  policyVersion: number;
  /** The UTC day (YYYY-MM-DD) whose budget holds its reservation; null for payments signed before it was kept. */
  budgetDay: string | null;
  /** The signed x402 PaymentPayload, as JSON. */
  signedPayload: string;
}

/** A payment signed under a key whose outcome is unknown (status `signed`), and what to send again. */
export interface UnresolvedX402Payment {
  payment: AgentX402Payment;
  resend: X402Resend;
}

/** Storage of agents' x402 payments and their daily spend. Errors: only the database's. */
export interface AgentX402PaymentRepository {
  /**
   * Adds `amount` to the agent's spend of `asset` on `day` (YYYY-MM-DD, UTC) unless that would pass
   * `budget` (null: no budget); false, and nothing changed, when it would.
   */
  reserve(agentId: string, asset: string, day: string, amount: bigint, budget: bigint | null): Promise<boolean>;
  /** Takes back a reservation of `amount` on `day` whose payment never sent, or never can settle, anything. */
  release(agentId: string, asset: string, day: string, amount: bigint, tx?: Transaction): Promise<void>;
  /** False, and nothing stored, when another payment signed under the same key is still unresolved. */
  insert(payment: AgentX402Payment, resend: X402Resend, tx: Transaction): Promise<boolean>;
  /** The payment signed under scope + key whose outcome is unknown, if any. */
  findUnresolved(scope: string, key: string): Promise<UnresolvedX402Payment | null>;
  /**
   * Records the outcome of a payment still `signed` and forgets its signed payload (nothing will send
   * it again); false, and nothing changed, when it already had one.
   */
  finish(id: string, status: X402PaymentStatus, httpStatus: number | null, settlementTx: string | null, tx: Transaction): Promise<boolean>;
  /** Limit + 1 rows, newest first, after the cursor. */
  listByAgent(agentId: string, limit: number, after?: Cursor): Promise<AgentX402Payment[]>;
}
