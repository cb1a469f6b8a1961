import { migrate, readMigrations } from '../infra/db/migrate';
import { openDatabase } from '../infra/db/open-database';
import { runMain, type Command } from './run-command';

/** `npm run migrate`: applies the migrations not yet applied to DATABASE_URL (or PGlite in DATA_DIR). */
export const migrateCommand: Command = async (config, logger) => {
  const db = await openDatabase(config);
  try {
    const applied = await migrate(db);
    const names = new Map(readMigrations().map((m) => [m.version, m.name]));
    if (applied.length === 0) {
      logger.info('database is up to date; no migration applied', { engine: db.engine });
    } else {
      const migrations = applied.map((version) => `${String(version).padStart(4, '0')}_${names.get(version)}`);
      logger.info('migrations applied', { engine: db.engine, migrations });
    }
    return 0;
  } finally {
    await db.close();
  }
};

if (require.main === module) runMain('migrate', migrateCommand);
