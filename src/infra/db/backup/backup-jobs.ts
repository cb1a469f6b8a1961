import { statSync } from 'node:fs';
import type { Config } from '../../../config/config';
import type { Logger } from '../../logger';
import { pruneBackups, writeBackup } from './backup-files';
import { openBackupEngine } from './open-backup-engine';
import { pruneWalArchive, switchWal } from './wal-retention';

/**
 * The scheduled jobs, shared by `npm run backup` and the built-in scheduler (backup-scheduler.ts).
 * Full: one backup into BACKUP_DIR with its manifest, then the age rule on BACKUP_DIR and, when
 * BASE_BACKUP_DIR is set, on base backups and WAL. Resolves to the new file's path.
 */
export async function takeFullBackup(config: Config, logger: Logger, now = new Date()): Promise<string> {
  const engine = openBackupEngine(config);
  const path = await writeBackup(engine, config.BACKUP_DIR, now);
  logger.info('backup written', { engine: engine.engine, path, bytes: statSync(path).size });
  const deleted = pruneBackups(config.BACKUP_DIR, { now, days: config.BACKUP_RETENTION_DAYS, keepMin: config.BACKUP_RETENTION_COUNT });
  if (deleted.length > 0) {
    logger.info('old backups deleted', {
      deleted,
      retentionDays: config.BACKUP_RETENTION_DAYS,
      keptAtLeast: config.BACKUP_RETENTION_COUNT,
    });
  }
  pruneWal(config, logger, now);
  return path;
}

/**
 * Incremental (hourly, PostgreSQL): closes the current WAL segment so archive_command ships the
 * last hour's writes, then the age rule on base backups and WAL.
 */
export async function takeIncremental(config: Config & { DATABASE_URL: string }, logger: Logger, now = new Date()): Promise<string> {
  const segment = await switchWal(config.DATABASE_URL);
  logger.info('WAL segment switched', { segment });
  pruneWal(config, logger, now);
  return segment;
}

function pruneWal(config: Config, logger: Logger, now: Date): void {
  if (!config.BASE_BACKUP_DIR) return;
  // The newest base backup always stays: without one, the WAL archive restores nothing.
  const result = pruneWalArchive(config.BASE_BACKUP_DIR, config.WAL_ARCHIVE_DIR, { now, days: config.BACKUP_RETENTION_DAYS, keepMin: 1 });
  if (result.skipped) logger.warn('WAL archive not cleaned', { reason: result.skipped });
  if (result.baseBackups.length > 0 || result.walFiles.length > 0) {
    logger.info('old base backups and WAL deleted', {
      baseBackups: result.baseBackups,
      walFiles: result.walFiles.length,
      keptFrom: result.oldestKeptSegment,
    });
  }
}
