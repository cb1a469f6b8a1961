import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';
import { Pool, types, type PoolClient, type QueryConfig } from 'pg';
import { withTimeout, type Database, type QueryOptions, type QueryResult, type SqlClient } from './database';

const INT8_OID = 20;

/**
 * Parameterised statements run as named prepared statements: PostgreSQL parses and plans each
 * once per connection instead of on every call, which is most of its CPU on short queries.
 */
const statementNames = new Map<string, string>();

function prepared(text: string, params?: readonly unknown[], options?: QueryOptions): QueryConfig | string {
  if (!params) return text;
  if (options?.prepare === false) return { text, values: params as unknown[] };
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
}

export class PostgresDatabase implements Database {
  readonly engine = 'postgres' as const;
  private readonly pool: Pool;

  constructor(options: PostgresOptions) {
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
  }

  async query<R>(text: string, params?: readonly unknown[], options?: QueryOptions): Promise<QueryResult<R>> {
    const result = await this.pool.query(prepared(text, params, options));
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  }

  async exec(script: string): Promise<void> {
    await this.pool.query(script);
  }

  async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // Not awaited here: BEGIN is pipelined with the transaction's first statement, whose result is
    // only handed back once BEGIN has succeeded.
    coalesceWrites(client);
    const begun = client.query('BEGIN');
    begun.catch(() => undefined); // observed below; this only keeps it from being "unhandled"
    try {
      const result = await fn(clientAdapter(client, begun));
      await begun;
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async ping(timeoutMs = 2_000): Promise<void> {
    await withTimeout(this.pool.query('SELECT 1'), timeoutMs, 'PostgreSQL');
  }

  /** Safe to call twice (shutdown and a test's teardown both close), as PGlite's is. */
  async close(): Promise<void> {
    if (this.pool.ending || this.pool.ended) return;
    await this.pool.end();
  }
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

function clientAdapter(client: PoolClient, begun: Promise<unknown>): SqlClient {
  return {
    async query<R>(text: string, params?: readonly unknown[], options?: QueryOptions) {
      coalesceWrites(client);
      const [, result] = await Promise.all([begun, client.query(prepared(text, params, options))]);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
    },
    async exec(script: string) {
      await Promise.all([begun, client.query(script)]);
    },
  };
}
