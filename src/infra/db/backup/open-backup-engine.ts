import { resolve } from 'node:path';
import type { Config } from '../../../config/config';
import type { BackupEngine } from './backup-engine';
import { PgliteBackup } from './pglite-backup';
import { PostgresBackup } from './postgres-backup';

/** The same choice as openDatabase: the server at DATABASE_URL, else PGlite in DATA_DIR. */
export function openBackupEngine(config: Config): BackupEngine {
  if (config.DATABASE_URL) return new PostgresBackup(config.DATABASE_URL);
  return new PgliteBackup(resolve(config.DATA_DIR, 'pglite'));
}
