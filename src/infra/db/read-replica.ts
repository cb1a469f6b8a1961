import type { Config } from '../../config/config';
import { Unavailable } from '../../shared/errors';
import type { Logger } from '../logger';
import type { Database, QueryOptions, QueryResult, SqlClient } from './database';
import type * as PostgresModule from './postgres';

/**
 * What serves the reads that may lag (history, statements, transfer lists): a streaming replica
 * when DATABASE_READ_URL is set, else the primary itself. Only plain queries: anything that writes,
 * runs in a transaction or must see its own writes keeps the primary's Database.
 */
export interface ReadDatabase extends SqlClient {
  /** `replica` when a replica is configured, `primary` when the reads simply go to the primary. */
  readonly target: 'replica' | 'primary';
  /** Resolves when the replica answers (the primary's ping when there is none). */
  ping(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** The primary as the read database: no replica configured (or PGlite, which has none). */
class PrimaryReads implements ReadDatabase {
  readonly target = 'primary' as const;
  constructor(private readonly primary: Database) {}
  query<R>(text: string, params?: readonly unknown[], options?: QueryOptions): Promise<QueryResult<R>> {
    return this.primary.query<R>(text, params, options);
  }
  exec(script: string): Promise<void> {
    return this.primary.exec(script);
  }
  ping(timeoutMs?: number): Promise<void> {
    return this.primary.ping(timeoutMs);
  }
  async close(): Promise<void> {
    // The primary is closed by its owner.
  }
}

/**
 * Reads on the replica. A replica that cannot be reached (Unavailable: connection refused, reset,
 * pool timeout) is not an outage of the service: the same read runs on the primary, which only
 * makes it fresher. Other errors (a bad statement) are the caller's, as on the primary.
 */
export class ReplicaReads implements ReadDatabase {
  readonly target = 'replica' as const;
  private fallingBack = false;

  constructor(
    private readonly replica: Database,
    private readonly primary: Database,
    private readonly logger: Logger,
  ) {}

  async query<R>(text: string, params?: readonly unknown[], options?: QueryOptions): Promise<QueryResult<R>> {
    try {
      const result = await this.replica.query<R>(text, params, options);
      if (this.fallingBack) this.logger.info('read replica reachable again');
      this.fallingBack = false;
      return result;
    } catch (error) {
      if (!(error instanceof Unavailable)) throw error;
      // Logged once per outage, not once per read.
      if (!this.fallingBack) this.logger.warn('read replica unreachable, reading from the primary', { error });
      this.fallingBack = true;
      return this.primary.query<R>(text, params, options);
    }
  }

  exec(): Promise<void> {
    // Scripts are migrations: they write, and a replica refuses writes.
    return Promise.reject(new Error('scripts run on the primary, not on the read replica'));
  }

  ping(timeoutMs?: number): Promise<void> {
    return this.replica.ping(timeoutMs);
  }

  close(): Promise<void> {
    return this.replica.close();
  }
}

/** DATABASE_READ_URL's replica behind the primary, or the primary alone; PGlite ignores the setting. */
export function openReadDatabase(config: Config, primary: Database, logger: Logger): ReadDatabase {
  if (!config.DATABASE_READ_URL || primary.engine !== 'postgres') return new PrimaryReads(primary);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PostgresDatabase } = require('./postgres') as typeof PostgresModule;
  const replica = new PostgresDatabase({
    connectionString: config.DATABASE_READ_URL,
    poolMax: config.DATABASE_POOL_MAX,
    preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
    sessionScope: config.DATABASE_SESSION_SCOPE,
    // A replica that does not answer is replaced by the primary quickly, not after the usual 5 s.
    connectTimeoutMs: REPLICA_CONNECT_TIMEOUT_MS,
  });
  return new ReplicaReads(replica, primary, logger);
}

const REPLICA_CONNECT_TIMEOUT_MS = 1_000;
