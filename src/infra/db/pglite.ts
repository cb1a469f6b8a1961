import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock';
import {
  asTransaction,
  isAbortedTransactionError,
  tenantScopeSql,
  transactionWithRetry,
  type Database,
  type QueryResult,
  type SqlClient,
  type SqlTransaction,
} from './database';
import { withTimeout } from '../../shared/timeout';
import { statementTenant } from '../tenant-scope';

/**
 * Embedded PostgreSQL (WebAssembly, in-process). One connection: PGlite queues statements and
 * runs transactions one at a time, so row locks never contend here, but the SQL is the same.
 */
export class PgliteDatabase implements Database {
  readonly engine = 'pglite' as const;

  private constructor(
    private readonly db: PGlite,
    private readonly unlock: () => void,
  ) {}

  /**
   * dataDir: a folder for durable data, or undefined for an in-memory database.
   * fromDump: a dumpDataDir() tarball to start from (restore into an empty folder); best a file's
   * Blob (fs.openAsBlob): PGlite reads it whole, and a Blob made from a Buffer is read back in slow chunks.
   * A folder is locked for this process until close(): a second process gets DataDirLocked
   * before anything is read or written (see data-dir-lock.ts).
   * settings: server settings for this start only (`-c name=value`), on top of the folder's postgresql.conf.
   */
  static async open(dataDir?: string, fromDump?: Blob, settings: Record<string, string> = {}): Promise<PgliteDatabase> {
    const unlock = dataDir ? lockDataDir(dataDir) : () => undefined;
    try {
      const db = await PGlite.create({
        ...(dataDir ? { dataDir } : {}),
        ...(fromDump ? { loadDataDir: fromDump } : {}),
        parsers: { [types.INT8]: (value: string) => BigInt(value) },
        startParams: [...PGlite.defaultStartParams, ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`])],
      });
      return new PgliteDatabase(db, unlock);
    } catch (error) {
      unlock();
      throw error;
    }
  }

  async query<R>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    if (statementTenant() !== undefined) return this.transaction((tx) => tx.query<R>(text, params));
    const result = await this.db.query<R>(text, params as unknown[] | undefined).catch(scrubbed);
    return { rows: result.rows, rowCount: rowCount(result) };
  }

  async exec(script: string): Promise<void> {
    if (statementTenant() !== undefined) return this.transaction((tx) => tx.exec(script));
    await this.db.exec(script).catch(scrubbed);
  }

  transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    const tenant = statementTenant();
    return this.db.transaction(async (tx) => {
      if (tenant !== undefined) await tx.exec(tenantScopeSql(tenant));
      return fn(asTransaction(transactionAdapter(tx)));
    });
  }

  transactionWithRetry<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    return transactionWithRetry(this, fn);
  }

  isAfterEarlierFailure(error: unknown): boolean {
    return isAbortedTransactionError(error);
  }

  async ping(timeoutMs = 2_000): Promise<void> {
    await withTimeout(this.db.query('SELECT 1'), timeoutMs, 'PGlite');
  }

  /** A gzipped tarball of the whole data folder, taken between transactions (a backup). */
  async dumpDataDir(): Promise<Buffer> {
    const dump = await this.db.dumpDataDir('gzip');
    return Buffer.from(await dump.arrayBuffer());
  }

  async close(): Promise<void> {
    try {
      if (!this.db.closed) await this.db.close();
    } finally {
      this.unlock();
    }
  }
}

function transactionAdapter(tx: Transaction): SqlClient {
  return {
    async query<R>(text: string, params?: readonly unknown[]) {
      const result = await tx.query<R>(text, params as unknown[] | undefined).catch(scrubbed);
      return { rows: result.rows, rowCount: rowCount(result) };
    },
    async exec(script: string) {
      await tx.exec(script).catch(scrubbed);
    },
  };
}

/**
 * PGlite attaches the failed statement's bound values to its error (`params`, `queryOptions`); an unknown
 * error is logged whole, so a failed INSERT would write emails, password hashes or card tokens to the log.
 * The SQL text stays (it has placeholders, not values), as pg's own errors do.
 */
function scrubbed(error: unknown): never {
  if (error && typeof error === 'object') {
    for (const key of ['params', 'queryOptions']) {
      if (key in error) delete (error as Record<string, unknown>)[key];
    }
  }
  throw error;
}

/**
 * pg's rowCount: rows returned by a SELECT (or RETURNING), rows changed by INSERT/UPDATE/DELETE.
 * PGlite reports affectedRows = 0 for a SELECT, so "affectedRows ?? rows.length" would make every
 * SELECT look empty.
 */
function rowCount(result: { rows: unknown[]; affectedRows?: number }): number {
  return Math.max(result.affectedRows ?? 0, result.rows.length);
}
