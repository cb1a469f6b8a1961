import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { openBackupEngine } from '../infra/db/backup/open-backup-engine';
import { openDatabase } from '../infra/db/open-database';
import type { Logger } from '../infra/logger';
import type { Config } from '../config/config';
import { pitrRestoreCommand } from './pitr-restore';
import { reportLedger } from './verify-ledger';
import { runCommand, type Command } from './run-command';

/**
 * `npm run restore <file>`: restores a backup of `npm run backup` into DATABASE_URL (or PGlite in
 * DATA_DIR), which must be EMPTY: restoring over live data would mix two ledgers. Then runs the
 * ledger verification on what it restored; the exit code is that of verify-ledger.
 */
export function restoreCommand(file: string | undefined): Command {
  return async (config, logger) => {
    if (!file) return refuse(logger, 'give the backup file: npm run restore -- <file>');
    const path = resolve(file);
    if (!existsSync(path)) return refuse(logger, `no such backup file: ${path}`);
    const engine = openBackupEngine(config);
    if (!path.endsWith(`.${engine.extension}`)) {
      return refuse(logger, `${path} is not a ${engine.engine} backup (*.${engine.extension}); ${hint(config)}`);
    }
    if (!(await engine.isEmpty())) {
      return refuse(logger, `refusing to restore: the target database is not empty (${hint(config)}); restore into a new, empty one`);
    }
    await engine.restore(path);
    logger.info('backup restored', { engine: engine.engine, path });
    return verify(config, logger);
  };
}

function hint(config: Config): string {
  return config.DATABASE_URL ? 'target: DATABASE_URL' : `target: PGlite in ${resolve(config.DATA_DIR, 'pglite')}`;
}

function refuse(logger: Logger, reason: string): number {
  logger.error(reason);
  return 1;
}

async function verify(config: Config, logger: Logger): Promise<number> {
  const db = await openDatabase(config);
  try {
    return await reportLedger(db, logger);
  } finally {
    await db.close();
  }
}

if (require.main === module) {
  // `--to <time>` is a point-in-time recovery from base backups and archived WAL (pitr-restore.ts).
  const args = process.argv.slice(2);
  const pitr = args.some((a) => a === '--to' || a.startsWith('--to='));
  void runCommand('restore', pitr ? pitrRestoreCommand(args) : restoreCommand(args[0])).then((code) => {
    process.exitCode = code;
  });
}
