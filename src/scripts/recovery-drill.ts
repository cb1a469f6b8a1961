import { existsSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Config } from '../config/config';
import { backupTime, listBackups, MANIFEST_SUFFIX } from '../infra/db/backup/backup-files';
import { compareFigures, readFigures, readManifest } from '../infra/db/backup/backup-manifest';
import { recordDrill } from '../infra/db/backup/drill-record';
import { restoreIntoScratchPglite, restoreIntoScratchPostgres, type ScratchRestore } from '../infra/db/backup/drill-scratch';
import type { Database } from '../infra/db/database';
import { openDatabase } from '../infra/db/open-database';
import type { Logger } from '../infra/logger';
import { createLedgerVerifier } from '../modules/ledger';
import { LEDGER_BROKEN_EXIT_CODE } from './verify-ledger';
import { runCommand, type Command } from './run-command';

export interface DrillOptions {
  /** Keep the scratch database (or folder) for a look after the drill. */
  keep?: boolean;
  /** Runs on the restore before it is checked (tests tamper with it here). */
  afterRestore?: (db: Database) => Promise<void>;
}

/**
 * `npm run recovery-drill [-- --keep]`: restores the newest backup of BACKUP_DIR into a scratch
 * database (PostgreSQL: a new database on the same server or DRILL_DATABASE_URL's; PGlite: a
 * temporary folder), runs the ledger invariants of verify-ledger on it, and compares every table's
 * row count and the wallets' balances (count, sum, md5) with the manifest written from the
 * backup's own snapshot: the live source has moved on since, the backup has not. Prints a report,
 * records the outcome in the source database (the API exports the last success on /metrics) and
 * exits 0 when everything matched, 2 when something differed, 1 when the drill could not run.
 */
export function recoveryDrillCommand(options: DrillOptions = {}): Command {
  return async (config, logger) => {
    const started = Date.now();
    const extension = config.DATABASE_URL ? 'dump' : 'tar.gz';
    const latest = listBackups(config.BACKUP_DIR)
      .filter((name) => name.endsWith(`.${extension}`))
      .at(-1);
    if (!latest) {
      logger.error(`recovery drill FAILED: no ${extension} backup in ${resolve(config.BACKUP_DIR)}`);
      await record(config, logger, { ok: false, backupName: '', durationMs: Date.now() - started, report: { reason: 'no backup' } });
      return 1;
    }
    const file = join(config.BACKUP_DIR, latest);
    let report: Record<string, unknown>;
    let problems: string[];
    try {
      ({ report, problems } = await drill(config, file, options));
    } catch (error) {
      logger.error('recovery drill FAILED: the backup could not be restored or read', { backup: latest, error });
      const reason = error instanceof Error ? error.message : String(error);
      await record(config, logger, { ok: false, backupName: latest, durationMs: Date.now() - started, report: { reason } });
      return 1;
    }
    const ok = problems.length === 0;
    const summary = { backup: latest, ...report, problems, durationMs: Date.now() - started };
    if (ok) logger.info('recovery drill passed: the restore verifies and matches its backup', summary);
    else logger.error(`recovery drill FAILED: ${problems.length} problem(s): ${problems.join('; ')}`, summary);
    await record(config, logger, { ok, backupName: latest, durationMs: summary.durationMs, report: summary });
    return ok ? 0 : LEDGER_BROKEN_EXIT_CODE;
  };
}

async function drill(config: Config, file: string, options: DrillOptions) {
  const manifest = readManifest(file + MANIFEST_SUFFIX);
  const restoreStarted = Date.now();
  const scratch: ScratchRestore = config.DATABASE_URL
    ? await restoreIntoScratchPostgres(config.DRILL_DATABASE_URL ?? config.DATABASE_URL, file, new Date())
    : await restoreIntoScratchPglite(file);
  const restoreMs = Date.now() - restoreStarted;
  try {
    await options.afterRestore?.(scratch.db);
    const ledger = await createLedgerVerifier(scratch.db).verify();
    const figures = await readFigures(scratch.db);
    const failedChecks = ledger.checks.filter((c) => c.violations > 0);
    const problems = [
      ...failedChecks.map((c) => `ledger check ${c.name}: ${c.violations} violation(s)`),
      ...compareFigures(manifest, figures),
    ];
    const report = {
      engine: manifest.engine,
      backupTakenAt: manifest.takenAt,
      backupAgeHours: Math.round((Date.now() - (backupTime(basename(file))?.getTime() ?? Date.now())) / 360_000) / 10,
      restoredInto: scratch.where,
      kept: options.keep === true,
      restoreMs,
      ledgerChecks: ledger.checks.map((c) => ({ name: c.name, violations: c.violations })),
      tablesCompared: Object.keys(manifest.tables).length,
      wallets: figures.wallets,
    };
    return { report, problems };
  } finally {
    await scratch.close(options.keep === true);
  }
}

/** The outcome goes into the source database; a drill that cannot record it still prints its report. */
async function record(config: Config, logger: Logger, outcome: Parameters<typeof recordDrill>[1]): Promise<void> {
  // Opening a missing PGlite folder would create an empty database just to fail the insert.
  const pglite = resolve(config.DATA_DIR, 'pglite');
  if (!config.DATABASE_URL && (!existsSync(pglite) || readdirSync(pglite).length === 0)) {
    logger.error(`recovery drill outcome not recorded: no PGlite database in ${pglite}`);
    return;
  }
  try {
    const db = await openDatabase(config);
    try {
      await recordDrill(db, outcome);
    } finally {
      await db.close();
    }
  } catch (error) {
    logger.error('recovery drill outcome could not be recorded in the database (the metric will age)', { error });
  }
}

if (require.main === module) {
  void runCommand('recovery-drill', recoveryDrillCommand({ keep: process.argv.includes('--keep') })).then((code) => {
    process.exitCode = code;
  });
}
