import type { Cursor } from '../../shared/pagination';
import type { Transaction } from '../../shared/transaction';

export type X402PaymentStatus = 'signed' | 'paid' | 'refused_by_server';

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

/** Storage of agents' x402 payments and their daily spend. Errors: only the database's. */
export interface AgentX402PaymentRepository {
  /**
   * Adds `amount` to the agent's spend of `asset` on `day` (YYYY-MM-DD, UTC) unless that would pass
   * `budget` (null: no budget); false, and nothing changed, when it would.
   */
  reserve(agentId: string, asset: string, day: string, amount: bigint, budget: bigint | null): Promise<boolean>;
  /** Takes back a reservation of `amount` on `day` whose payment was never sent. */
  release(agentId: string, asset: string, day: string, amount: bigint): Promise<void>;
  insert(payment: AgentX402Payment, tx: Transaction): Promise<void>;
  finish(id: string, status: X402PaymentStatus, httpStatus: number, settlementTx: string | null, tx: Transaction): Promise<void>;
  /** Limit + 1 rows, newest first, after the cursor. */
  listByAgent(agentId: string, limit: number, after?: Cursor): Promise<AgentX402Payment[]>;
}
