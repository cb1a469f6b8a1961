import { statSync } from 'node:fs';
import { openBackupEngine } from '../infra/db/backup/open-backup-engine';
import { pruneBackups, writeBackup } from '../infra/db/backup/backup-files';
import { runMain, type Command } from './run-command';

/**
 * `npm run backup`: one consistent backup of DATABASE_URL (pg_dump custom format) or of the
 * embedded PGlite store (its data-folder tarball; stop the server first) into BACKUP_DIR, named by
 * its UTC time; then keeps only the newest BACKUP_RETENTION_COUNT. Prints the file's path.
 */
export const backupCommand: Command = async (config, logger) => {
  const engine = openBackupEngine(config);
  const path = await writeBackup(engine, config.BACKUP_DIR);
  logger.info('backup written', { engine: engine.engine, path, bytes: statSync(path).size });
  const deleted = pruneBackups(config.BACKUP_DIR, config.BACKUP_RETENTION_COUNT);
  if (deleted.length > 0) {
    logger.info('old backups deleted', { deleted, kept: config.BACKUP_RETENTION_COUNT });
  }
  return 0;
};

if (require.main === module) runMain('backup', backupCommand);
