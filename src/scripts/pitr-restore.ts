import { parseArgs } from 'node:util';
import { BackupError } from '../infra/db/backup/backup-engine';
import { restorePointInTime, type PitrPlan } from '../infra/db/backup/pitr-restore';
import type { PgTools } from '../infra/db/backup/pitr-tools';
import type { Logger } from '../infra/logger';
import type { Command } from './run-command';

const USAGE =
  'npm run restore -- --to <ISO time with zone | latest> --target-dir <new data dir> [--base-backups DIR] [--wal-archive DIR | --restore-command "cp /wal/%f %p"] [--start --port N] [--os-user postgres]';

/**
 * `npm run restore -- --to <time> --target-dir <dir>`: point-in-time recovery of PostgreSQL. Picks
 * the newest base backup complete before the time, unpacks it into a new data directory, writes
 * restore_command, recovery_target_time and recovery.signal; with --start, runs a server on it on
 * 127.0.0.1:--port until it reached the time and was promoted. Any refused input creates nothing.
 */
export function pitrRestoreCommand(argv: string[]): Command {
  return async (config, logger) => {
    let args;
    try {
      args = parseArgs({
        args: argv,
        strict: true,
        options: {
          to: { type: 'string' },
          'target-dir': { type: 'string' },
          'base-backups': { type: 'string' },
          'wal-archive': { type: 'string' },
          'restore-command': { type: 'string' },
          start: { type: 'boolean', default: false },
          port: { type: 'string' },
          'os-user': { type: 'string' },
        },
      }).values;
    } catch (error) {
      return refuse(logger, `${(error as Error).message}\nusage: ${USAGE}`);
    }
    if (!args.to || !args['target-dir']) return refuse(logger, `give --to and --target-dir\nusage: ${USAGE}`);
    const port = args.port === undefined ? undefined : Number(args.port);
    if (args.start && (port === undefined || !Number.isInteger(port) || port < 1 || port > 65535)) {
      return refuse(logger, '--start needs --port N (1-65535): the recovered server listens on 127.0.0.1 only, on that port');
    }
    const tools: PgTools = { binDir: config.POSTGRES_BIN_DIR, osUser: args['os-user'] };
    if (process.getuid?.() === 0 && !tools.osUser) {
      return refuse(
        logger,
        'running as root: PostgreSQL refuses to run as root, so pass --os-user postgres (the OS user to own the data directory)',
      );
    }
    try {
      const request = {
        to: args.to,
        targetDir: args['target-dir'],
        baseBackupsDir: args['base-backups'] ?? config.BASE_BACKUP_DIR,
        walArchiveDir: args['wal-archive'] ?? config.WAL_ARCHIVE_DIR,
        restoreCommand: args['restore-command'],
      };
      const onPlan = (plan: PitrPlan) =>
        logger.info('restoring base backup', {
          backup: plan.backup.path,
          restorableFrom: plan.backup.finishedAt.toISOString(),
          target: plan.target?.sql ?? 'latest (end of the archived WAL)',
          targetDir: plan.targetDir,
        });
      const start = args.start && port !== undefined ? { port } : undefined;
      const { plan, outcome } = await restorePointInTime(request, { tools, onPlan, ...(start ? { start } : {}) });
      const startCommand = `pg_ctl -D ${plan.targetDir} -l ${plan.targetDir}/server.log start`;
      if (!outcome) {
        logger.info('data directory ready: the first start replays WAL to the target and promotes', { start: startCommand });
        return 0;
      }
      logger.info('recovered and promoted', {
        port: outcome.port,
        replay: outcome.summary,
        check: `DATABASE_URL=postgres://<user>@127.0.0.1:${outcome.port}/<database> npm run verify-ledger`,
        stop: `pg_ctl -D ${plan.targetDir} stop`,
        start: startCommand,
      });
      return 0;
    } catch (error) {
      if (error instanceof BackupError) return refuse(logger, error.message);
      throw error;
    }
  };
}

function refuse(logger: Logger, reason: string): number {
  logger.error(reason);
  return 1;
}
