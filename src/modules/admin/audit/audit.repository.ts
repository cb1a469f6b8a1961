import type { Transaction } from '../../../shared/transaction';
import type { Cursor } from '../../../shared/pagination';

/** Who acts, and from where: plain values the route hands down (no Express in services). */
export interface AdminContext {
  actorId: string;
  requestId: string;
  ip: string;
}

/** What an admin action did. `before`/`after` only where it changed something. */
export interface AuditEntry {
  action: string;
  targetType: string;
  targetId: string;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

export type AuditOutcome = 'succeeded' | 'refused';

export interface AuditRecord extends AuditEntry {
  id: string;
  actorId: string;
  actorRole: string;
  outcome: AuditOutcome;
  errorCode: string | null;
  requestId: string;
  ip: string;
  createdAt: Date;
}

export interface AuditFilter {
  actorId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  outcome?: AuditOutcome;
  from?: Date;
  to?: Date;
}

/** The append-only audit log. There is no update or delete, here or in the table (a trigger refuses them). */
export interface AuditRepository {
  append(tx: Transaction, ctx: AdminContext, entry: AuditEntry, outcome: AuditOutcome, errorCode?: string): Promise<void>;
  /** Newest first; limit + 1 rows. */
  list(filter: AuditFilter, limit: number, after?: Cursor): Promise<AuditRecord[]>;
}
