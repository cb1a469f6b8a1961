import type { Transaction } from '../../shared/transaction';
import type { Cursor } from '../../shared/pagination';
import type { SpendingPolicy } from './policy';

export type AgentStatus = 'active' | 'suspended' | 'revoked';

export interface Agent {
  id: string;
  ownerId: string;
  name: string;
  description: string | null;
  walletId: string;
  clientId: string;
  status: AgentStatus;
  policyVersion: number;
  policy: SpendingPolicy;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewAgent {
  id: string;
  ownerId: string;
  name: string;
  description: string | null;
  walletId: string;
  clientId: string;
  secretHash: string;
  policy: SpendingPolicy;
}

export interface AgentChanges {
  name?: string;
  description?: string | null;
  /** A new policy: recorded as the next version. */
  policy?: SpendingPolicy;
  status?: AgentStatus;
}

/**
 * Storage of agents and their policy versions. Every read returns the agent with its current
 * policy. Methods taking `tx` run inside the caller's transaction. Errors: only the database's.
 */
export interface AgentRepository {
  insert(agent: NewAgent): Promise<Agent>;
  findById(id: string, tx?: Transaction): Promise<Agent | null>;
  /** The tenant an agent belongs to (ids are unique across tenants); asked in system scope. */
  tenantOf(id: string): Promise<string | undefined>;
  /** Newest first; limit + 1 rows so the caller can tell whether there is a next page. */
  listByOwner(ownerId: string, limit: number, after?: Cursor): Promise<Agent[]>;
  /** Applies the changes unless the agent is revoked (revocation is final); null when nothing changed. */
  update(id: string, changes: AgentChanges, changedBy: string): Promise<Agent | null>;
  /**
   * Stores a new secret's hash and counts up the credentials version (tokens issued before stop
   * working), unless the agent is revoked; null when nothing changed.
   */
  replaceSecret(id: string, secretHash: string): Promise<Agent | null>;
}
