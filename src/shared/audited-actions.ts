import type { Transaction } from './transaction';

/** Who acts, as plain values the route hands down (no Express in services). */
export interface OperatorContext {
  actorId: string;
  requestId: string;
  ip: string;
}

interface Entry {
  action: string;
  targetType: string;
  targetId: string;
}

/**
 * The admin audit log as other modules' operator actions use it (the admin module's AuditTrail):
 * an action and its audit row in one transaction, or a row appended to another service's
 * transaction, with refusals recorded too.
 */
export interface AuditedActions {
  run<T>(
    ctx: OperatorContext,
    entry: Entry,
    work: (tx: Transaction) => Promise<{ result: T; before?: unknown; after?: unknown }>,
  ): Promise<T>;
  append(tx: Transaction, ctx: OperatorContext, entry: Entry & { after?: unknown }): Promise<void>;
  recordingRefusals<T>(ctx: OperatorContext, entry: Entry, action: () => Promise<T>): Promise<T>;
}
