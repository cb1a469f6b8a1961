import type { Transaction, TransactionRunner } from '../../shared/transaction';

/**
 * The one query/transaction interface of the SQL engines. SQL adapters run their statements on a
 * SqlClient and never know which engine runs it; ports and services see only the opaque
 * `Transaction` of src/shared/transaction.ts, which an adapter turns back into SQL with `sqlOf`.
 */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface QueryOptions {
  /**
   * Default true: the statement is prepared once per connection, and PostgreSQL may then keep one
   * plan for every call. False plans it at each call for the arguments given: for a statement whose
   * best plan depends on them and on how big a table has grown (a join against a list of keys),
   * which a plan kept from when the table was small gets badly wrong.
   */
  prepare?: boolean;
}

export interface SqlClient {
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[], options?: QueryOptions): Promise<QueryResult<R>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

/**
 * A transaction of a SQL engine: both the statements' client (for SQL code in src/infra and the
 * adapters) and the opaque `Transaction` handle the ports pass on. The same object at run time.
 */
export type SqlTransaction = SqlClient & Transaction;

export interface Database extends SqlClient, TransactionRunner {
  readonly engine: 'postgres' | 'pglite';
  /** Runs fn inside BEGIN … COMMIT; any throw rolls back and is rethrown. */
  transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T>;
  /** transaction() run again after a deadlock or serialization failure (see transactionWithRetry below). */
  transactionWithRetry<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T>;
  /** isAbortedTransactionError (SQLSTATE 25P02), for the statements queued behind a failed one. */
  isAfterEarlierFailure(error: unknown): boolean;
  /** Resolves when the database answers a trivial query within timeoutMs. */
  ping(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const TENANT_ID = /^(ten_[a-z0-9_]{1,40})?$/;

/**
 * Run first in every transaction of a tenant (src/infra/tenant-scope.ts): for that transaction only,
 * the role that row-level security holds to one tenant (the owner and superusers bypass it), and the
 * tenant its policies compare with (migration 0300). SET, not set_config(): a SELECT would take the
 * transaction's snapshot, and SET TRANSACTION ISOLATION LEVEL must still be able to come after it.
 * SET takes no parameters, so the id is checked against the tenants' id format ('' sees nothing).
 * `forSession`: the same for the rest of the connection's session, once its transaction commits
 * (PostgreSQL's DATABASE_SESSION_SCOPE).
 */
export function tenantScopeSql(tenant: string, forSession = false): string {
  if (!TENANT_ID.test(tenant)) throw new Error('not a tenant id');
  const set = forSession ? 'SET' : 'SET LOCAL';
  return `${set} ROLE ocp_tenant; ${set} ocp.tenant_id = '${tenant}'`;
}

/** PostgreSQL error codes that mean "run the same transaction again". */
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

export function isRetryableTransactionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_SQLSTATES.has(code);
}

/** A statement refused only because an earlier one of its transaction failed (SQLSTATE 25P02). */
export function isAbortedTransactionError(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '25P02';
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { code?: unknown; constraint?: unknown } | null;
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

/**
 * The engine's transaction client as the handle ports pass around. Only for the engines
 * (pglite.ts, postgres.ts): a cast, nothing is wrapped.
 */
export function asTransaction(client: SqlClient): SqlTransaction {
  return client as SqlTransaction;
}

/**
 * The SQL client inside a `Transaction` a port was given: for SQL adapters only. With `outside`, a
 * port's optional transaction falls back to running on its own (on the database) when none is given.
 * Every `Transaction` in this process comes from Database.transaction, so the cast holds.
 */
export function sqlOf(tx: Transaction): SqlClient;
export function sqlOf(tx: Transaction | undefined, outside: SqlClient): SqlClient;
export function sqlOf(tx: Transaction | undefined, outside?: SqlClient): SqlClient {
  return (tx as SqlTransaction | undefined) ?? (outside as SqlClient);
}

const RETRY_ATTEMPTS_MAX = 5;

/**
 * Runs a whole transaction again after a deadlock or serialization failure. The function must be
 * safe to repeat: it re-reads everything it needs inside the transaction.
 */
export async function transactionWithRetry<T>(db: Database, fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(fn);
    } catch (error) {
      if (!isRetryableTransactionError(error) || attempt >= RETRY_ATTEMPTS_MAX) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}
