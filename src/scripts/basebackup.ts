import { takeBaseBackup } from '../infra/db/backup/pitr-base-backup';
import { runMain, type Command } from './run-command';

/**
 * `npm run basebackup`: one physical base backup of DATABASE_URL with pg_basebackup (tar, gzip,
 * WAL streamed alongside) into BASE_BACKUP_DIR/<UTC time>/, the starting point of a
 * point-in-time recovery (`npm run restore -- --to <time>`). PostgreSQL only; the role needs
 * REPLICATION. Prints the folder and the database-clock times it covers.
 */
export const baseBackupCommand: Command = async (config, logger) => {
  if (!config.DATABASE_URL) {
    logger.error('npm run basebackup needs DATABASE_URL: the embedded PGlite store has no WAL to archive (use npm run backup)');
    return 1;
  }
  const backup = await takeBaseBackup(config.DATABASE_URL, config.BASE_BACKUP_DIR, { binDir: config.POSTGRES_BIN_DIR });
  logger.info('base backup written', {
    path: backup.path,
    startedAt: backup.startedAt.toISOString(),
    restorableFrom: backup.finishedAt.toISOString(),
    files: backup.files,
  });
  return 0;
};

if (require.main === module) runMain('basebackup', baseBackupCommand);
