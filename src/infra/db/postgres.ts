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
}

export class PostgresDatabase implements Database {
  readonly engine = 'postgres' as const;
  private readonly pool: Pool;
  private readonly named: boolean;

  constructor(options: PostgresOptions) {
    this.named = options.preparedStatements ?? true;
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
    if (tenant !== undefined) return this.tenantQuery<R>(tenant, text, params, options);
    const result = await this.pool.query(prepared(text, params, options, this.named)).catch(translateConnectionError);
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  }

  /**
   * One statement for a tenant: the tenant is set for a transaction only (a pooler in transaction
   * mode shares server sessions), so it goes as BEGIN with the scope, the statement and COMMIT in one
   * write. A failed statement makes the COMMIT a rollback.
   */
  private tenantQuery<R>(tenant: string, text: string, params?: readonly unknown[], options?: QueryOptions): Promise<QueryResult<R>> {
    return this.withClient(async (client) => {
      coalesceWrites(client);
      const [, result] = await Promise.all([
        client.query(beginSql(tenant)),
        client.query(prepared(text, params, options, this.named)),
        client.query('COMMIT'),
      ]);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
    });
  }

  async exec(script: string): Promise<void> {
    if (statementTenant() !== undefined) return this.transaction((tx) => tx.exec(script));
    await this.pool.query(script).catch(translateConnectionError);
  }

  transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    return this.withClient(async (client) => {
      // Not awaited here: BEGIN is pipelined with the transaction's first statement, whose result is
      // only handed back once BEGIN has succeeded.
      coalesceWrites(client);
      const begun = client.query(beginSql(statementTenant()));
      begun.catch(() => undefined); // observed below; this only keeps it from being "unhandled"
      try {
        const result = await fn(asTransaction(clientAdapter(client, begun, this.named)));
        await begun;
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // No ROLLBACK on a dead connection; the server rolled back when it lost the session.
        if (!isConnectionError(error)) await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
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

/** BEGIN, with a tenant's scope in the same message (one statement more, no write more). */
function beginSql(tenant: string | undefined): string {
  return tenant === undefined ? 'BEGIN' : `BEGIN; ${tenantScopeSql(tenant)}`;
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
