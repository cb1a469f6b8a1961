import type { Database } from '../infra/db/database';
import { openDatabase } from '../infra/db/open-database';
import type { Logger } from '../infra/logger';
import { createLedgerVerifier } from '../modules/ledger';
import { runMain, type Command } from './run-command';

/** Exit code when the ledger was read but an invariant is broken (1 means it could not be read). */
export const LEDGER_BROKEN_EXIT_CODE = 2;

/**
 * Verifies the ledger of db and logs one line per check and a summary naming what failed.
 * Resolves to the exit code: 0 when every invariant holds, LEDGER_BROKEN_EXIT_CODE otherwise.
 */
export async function reportLedger(db: Database, logger: Logger): Promise<number> {
  const report = await createLedgerVerifier(db).verify();
  for (const check of report.checks) {
    const passed = check.violations === 0;
    logger.log(passed ? 'info' : 'error', `check ${check.name}: ${passed ? 'passed' : 'FAILED'}`, { ...check });
  }
  const summary = {
    engine: db.engine,
    counts: report.counts,
    totalsByCurrency: Object.fromEntries(Object.entries(report.totalsByCurrency).map(([c, v]) => [c, v.toString()])),
    failed: report.checks.filter((c) => c.violations > 0).map((c) => c.name),
  };
  if (report.ok) {
    logger.info('ledger verified: every invariant holds', summary);
    return 0;
  }
  logger.error(`ledger verification failed: ${summary.failed.join(', ')}`, summary);
  return LEDGER_BROKEN_EXIT_CODE;
}

/** `npm run verify-ledger`: checks DATABASE_URL (or PGlite in DATA_DIR); it only reads. */
export const verifyLedgerCommand: Command = async (config, logger) => {
  const db = await openDatabase(config);
  try {
    return await reportLedger(db, logger);
  } finally {
    await db.close();
  }
};

if (require.main === module) runMain('verify-ledger', verifyLedgerCommand);
