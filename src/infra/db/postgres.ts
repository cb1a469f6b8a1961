import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';
import { Pool, types, type PoolClient, type QueryConfig } from 'pg';
import { Unavailable } from '../../shared/errors';
import {
  asTransaction,
  isAbortedTransactionError,
  tenantScopeSql,
  transactionWithRetry,
  type Database,
  type QueryOptions,
  type QueryResult,
  type SqlClient,
  type SqlTransaction,
} from './database';
import { withTimeout } from '../../shared/timeout';
import { isConnectionError } from './connection-errors';
import { statementTenant } from '../tenant-scope';

const INT8_OID = 20;

/**
 * Parameterised statements run as named prepared statements: PostgreSQL parses and plans each
 * once per connection instead of on every call, which is most of its CPU on short queries.
 */
const statementNames = new Map<string, string>();

function prepared(text: string, params?: readonly unknown[], options?: QueryOptions, named = true): QueryConfig | string {
  if (!params) return text;
  if (options?.prepare === false || !named) return { text, values: params as unknown[] };
  let name = statementNames.get(text);
  if (!name) {
    name = `ocp_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
    statementNames.set(text, name);
  }
  return { name, text, values: params as unknown[] };
}

// BIGINT columns hold money: parse them to bigint, never to a lossy number.
const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) return (value: string) => BigInt(value);
    return types.getTypeParser(oid, format) as (value: string) => unknown;
  },
};

export interface PostgresOptions {
  connectionString: string;
  poolMax: number;
  /** Schema to put first on the search_path (test isolation). */
  schema?: string;
  connectTimeoutMs?: number;
  /**
   * Default true. False sends every statement unnamed: a pooler in transaction mode (pgbouncer
   * before 1.21) hands each transaction whichever server connection is free, where a statement
   * prepared on another one does not exist.
   */
  preparedStatements?: boolean;
  /**
   * Default false. True keeps a pooled connection's tenant scope (role and ocp.tenant_id) for its
   * session, set again only when a statement's scope differs, so a statement in the same scope as
   * the last one goes bare. Only for direct connections: a pooler in transaction mode hands one
   * server session to many clients, and each would find another's scope there.
   */
  sessionScope?: boolean;
}

/** A session reset to the owner's role, for system-scope statements. */
const SYSTEM = Symbol('system');
type SessionScope = string | typeof SYSTEM;

export class PostgresDatabase implements Database {
  readonly engine = 'postgres' as const;
  private readonly pool: Pool;
  private readonly named: boolean;
  /**
   * With sessionScope: the scope each pooled connection's session has, once a transaction that set
   * it has committed. A connection missing here is of unknown scope (new, or its last scope change
   * failed), so its next statement sets one.
   */
  private readonly sessionScopes?: WeakMap<PoolClient, SessionScope>;

  constructor(options: PostgresOptions) {
    this.named = options.preparedStatements ?? true;
    if (options.sessionScope) this.sessionScopes = new WeakMap();
    this.pool = new Pool({
      // Statements a caller issues without awaiting each (BEGIN and the first statement of a
      // transaction, writes run side by side) go out together: one round trip instead of several.
      pipeline: true,
      connectionString: options.connectionString,
      max: options.poolMax,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      types: typeParsers,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    this.pool.on('error', () => undefined);
    // The pool listens for errors only on idle clients. A checked-out client whose backend is
    // terminated (pg_terminate_backend, a failover, a restart) emits 'error' with no listener,
    // which kills the process: every client gets its own listener the moment it exists. The
    // failure itself reaches the caller through the statement that was running.
    this.pool.on('connect', (client) => client.on('error', () => undefined));
  }

  async query<R>(text: string, params?: readonly unknown[], options?: QueryOptions): Promise<QueryResult<R>> {
    const tenant = statementTenant();
    if (tenant === undefined && !this.sessionScopes) {
      const result = await this.pool.query(prepared(text, params, options, this.named)).catch(translateConnectionError);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
    }
    return this.withClient((client) => this.scopedQuery<R>(client, tenant, prepared(text, params, options, this.named)));
  }

  /**
   * One statement in a scope. A session already in it runs the statement bare. Otherwise the scope
   * is set for a transaction (a pooler in transaction mode shares server sessions): BEGIN with the
   * scope, the statement and COMMIT go in one write, and a failed step makes the COMMIT a rollback,
   * so the statement never runs in a scope that was not set.
   */
  private async scopedQuery<R>(client: PoolClient, tenant: string | undefined, statement: QueryConfig | string): Promise<QueryResult<R>> {
    const begin = this.beginFor(client, tenant);
    coalesceWrites(client);
    if (begin === undefined) {
      const result = await client.query(statement);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
    }
    const [, result, committed] = await Promise.all([client.query(begin.sql), client.query(statement), client.query('COMMIT')]);
    this.settle(client, begin, committed);
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  }

  async exec(script: string): Promise<void> {
    if (statementTenant() !== undefined) return this.transaction((tx) => tx.exec(script));
    if (!this.sessionScopes) {
      await this.pool.query(script).catch(translateConnectionError);
      return;
    }
    // A script may hold statements that cannot run in a transaction: the owner's scope first, on its own.
    await this.withClient(async (client) => {
      if (this.sessionScopes?.get(client) !== SYSTEM) await this.scopedQuery(client, undefined, 'SELECT 1');
      await client.query(script);
    });
  }

  transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    return this.withClient(async (client) => {
      // Not awaited here: BEGIN is pipelined with the transaction's first statement, whose result is
      // only handed back once BEGIN has succeeded.
      coalesceWrites(client);
      const begin = this.beginFor(client, statementTenant()) ?? { sql: 'BEGIN' };
      const begun = client.query(begin.sql);
      begun.catch(() => undefined); // observed below; this only keeps it from being "unhandled"
      try {
        const result = await fn(asTransaction(clientAdapter(client, begun, this.named)));
        await begun;
        this.settle(client, begin, await client.query('COMMIT'));
        return result;
      } catch (error) {
        // No ROLLBACK on a dead connection; the server rolled back when it lost the session.
        if (!isConnectionError(error)) await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  /**
   * What opens a transaction in `tenant`'s scope (undefined: the owner's) on this client, or
   * undefined when its session is in that scope already and a statement may go bare. Without
   * sessionScope, the scope is the transaction's own (SET LOCAL).
   */
  private beginFor(client: PoolClient, tenant: string | undefined): { sql: string; scope?: SessionScope } | undefined {
    if (!this.sessionScopes) return tenant === undefined ? undefined : { sql: `BEGIN; ${tenantScopeSql(tenant)}` };
    const scope = tenant ?? SYSTEM;
    if (this.sessionScopes.get(client) === scope) return undefined;
    // Unknown until this transaction commits: a rollback undoes the SETs with it.
    this.sessionScopes.delete(client);
    const sql = tenant === undefined ? 'RESET ROLE; RESET ocp.tenant_id' : tenantScopeSql(tenant, true);
    return { sql: `BEGIN; ${sql}`, scope };
  }

  /**
   * After the COMMIT of a transaction that set the session's scope. A transaction in which a
   * statement failed (and the caller went on) answers COMMIT with ROLLBACK and no error: its SETs
   * are undone, and the scope stays unknown.
   */
  private settle(client: PoolClient, begin: { scope?: SessionScope }, commit: { command: string }): void {
    if (begin.scope !== undefined && commit.command === 'COMMIT') this.sessionScopes?.set(client, begin.scope);
  }

  /**
   * A pooled client for `use`. A connection-level failure is rethrown as Unavailable and the client
   * goes back with its error, so the pool destroys it instead of lending it again.
   */
  private async withClient<T>(use: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch(translateConnectionError);
    let broken: Error | undefined;
    try {
      return await use(client);
    } catch (error) {
      if (!isConnectionError(error)) throw error;
      broken = error as Error;
      throw databaseUnavailable(error);
    } finally {
      client.release(broken);
    }
  }

  transactionWithRetry<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    return transactionWithRetry(this, fn);
  }

  isAfterEarlierFailure(error: unknown): boolean {
    return isAbortedTransactionError(error);
  }

  async ping(timeoutMs = 2_000): Promise<void> {
    await withTimeout(this.pool.query('SELECT 1'), timeoutMs, 'PostgreSQL').catch(translateConnectionError);
  }

  /** Safe to call twice (shutdown and a test's teardown both close), as PGlite's is. */
  async close(): Promise<void> {
    if (this.pool.ending || this.pool.ended) return;
    await this.pool.end();
  }
}

/** Seconds a client is told to wait before trying again while the database is unreachable. */
const RETRY_AFTER_SECONDS = 1;

function databaseUnavailable(cause: unknown): Unavailable {
  if (cause instanceof Unavailable) return cause;
  const error = new Unavailable('The database is unavailable, try again shortly', 'database_unavailable', RETRY_AFTER_SECONDS);
  error.cause = cause;
  return error;
}

/** Rethrows a connection-level failure as Unavailable (503 database_unavailable) and anything else as it is. */
function translateConnectionError(error: unknown): never {
  throw isConnectionError(error) ? databaseUnavailable(error) : error;
}

/**
 * Holds back what the client sends until the current burst of synchronous code and promise
 * callbacks has run, so statements issued together leave in one socket write: each write to
 * PostgreSQL costs a system call here and a wake-up of the backend there, more than a short
 * statement's own work.
 */
function coalesceWrites(client: PoolClient): void {
  const socket = (client as unknown as { connection?: { stream?: Writable } }).connection?.stream;
  if (!socket || socket.writableCorked > 0) return; // already held back for this burst
  socket.cork();
  process.nextTick(() => socket.uncork());
}

function clientAdapter(client: PoolClient, begun: Promise<unknown>, named: boolean): SqlClient {
  return {
    async query<R>(text: string, params?: readonly unknown[], options?: QueryOptions) {
      coalesceWrites(client);
      const [, result] = await Promise.all([begun, client.query(prepared(text, params, options, named))]);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
    },
    async exec(script: string) {
      await Promise.all([begun, client.query(script)]);
    },
  };
}
