import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../../config/config';
import type { Database } from './database';
import { PgliteDatabase } from './pglite';
import type * as PostgresModule from './postgres';

/** PostgreSQL when DATABASE_URL is set, otherwise embedded PGlite with its files in DATA_DIR. */
export async function openDatabase(config: Config): Promise<Database> {
  if (config.DATABASE_URL) {
    // pg loads only when PostgreSQL is configured: the embedded default never needs it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PostgresDatabase } = require('./postgres') as typeof PostgresModule;
    return new PostgresDatabase({
      connectionString: config.DATABASE_URL,
      poolMax: config.DATABASE_POOL_MAX,
      preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
      sessionScope: config.DATABASE_SESSION_SCOPE,
    });
  }
  const dataDir = resolve(config.DATA_DIR, 'pglite');
  mkdirSync(dataDir, { recursive: true });
  return PgliteDatabase.open(dataDir);
}
