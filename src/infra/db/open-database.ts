import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../../config/config';
import type { Database } from './database';
import { PgliteDatabase } from './pglite';
import { PostgresDatabase } from './postgres';

/** PostgreSQL when DATABASE_URL is set, otherwise embedded PGlite with its files in DATA_DIR. */
export async function openDatabase(config: Config): Promise<Database> {
  if (config.DATABASE_URL) {
    return new PostgresDatabase({ connectionString: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX });
  }
  const dataDir = resolve(config.DATA_DIR, 'pglite');
  mkdirSync(dataDir, { recursive: true });
  return PgliteDatabase.open(dataDir);
}
