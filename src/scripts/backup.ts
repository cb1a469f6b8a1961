import { takeFullBackup, takeIncremental } from '../infra/db/backup/backup-jobs';
import { runMain, type Command } from './run-command';

/**
 * `npm run backup`: one consistent backup of DATABASE_URL (pg_dump custom format) or of the
 * embedded PGlite store (its data-folder tarball; stop the server first) into BACKUP_DIR, named by
 * its UTC time, with its manifest (row counts and balances checksum of the same snapshot, for the
 * recovery drill); then deletes backups older than BACKUP_RETENTION_DAYS (keeping the newest
 * BACKUP_RETENTION_COUNT) and, when BASE_BACKUP_DIR is set, base backups and WAL by the same rule.
 *
 * `npm run backup -- --incremental` (PostgreSQL, hourly): closes the current WAL segment
 * (pg_switch_wal) so the archive holds the last hour, and applies the age rule to WAL and base
 * backups. It writes no dump.
 */
export function backupCommand(args: readonly string[] = []): Command {
  return async (config, logger) => {
    if (!args.includes('--incremental')) {
      await takeFullBackup(config, logger);
      return 0;
    }
    const { DATABASE_URL } = config;
    if (!DATABASE_URL) {
      logger.error('backup --incremental needs PostgreSQL (DATABASE_URL): PGlite has no WAL archive');
      return 1;
    }
    await takeIncremental({ ...config, DATABASE_URL }, logger);
    return 0;
  };
}

if (require.main === module) runMain('backup', backupCommand(process.argv.slice(2)));
