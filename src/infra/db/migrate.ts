import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from './database';
import { inSystemScope } from '../tenant-scope';
import { TENANT_ROLE_SQL } from './tenant-role';

const MIGRATIONS_DIR = join(__dirname, 'migrations');
// Any constant works: it only has to be the same in every process that migrates this database.
const MIGRATION_LOCK_ID = 7_130_447_001;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Reads `NNNN_name.sql` files in version order. */
export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file.slice(5, -4),
      sql: readFileSync(join(dir, file), 'utf8'),
    }));
}

/**
 * Applies every migration not yet recorded, each in its own transaction. An advisory lock makes
 * concurrent start-ups of several instances take turns instead of racing.
 * Returns the versions it applied.
 */
/** Also grants the tenants' role its rights again (tenant-role.ts): a restored database may lack them. */
export function migrate(db: Database, migrations = readMigrations()): Promise<number[]> {
  // As the owner: tables, roles and policies are the schema's, not any tenant's.
  return inSystemScope(async () => {
    const applied = await applyPending(db, migrations);
    await grantTenantRole(db);
    return applied;
  });
}

async function applyPending(db: Database, migrations: Migration[]): Promise<number[]> {
  // Under the lock too: two concurrent CREATE TABLE IF NOT EXISTS can both miss the table and
  // one then fails on pg_type's unique index.
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_ID]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
  });
  // Every start runs this: one read instead of a locked transaction per migration when nothing is
  // pending. Each pending one is still checked again under the lock, as another instance may apply it first.
  const recorded = await db.query<{ version: number }>('SELECT version FROM schema_migrations');
  const alreadyApplied = new Set(recorded.rows.map((row) => Number(row.version)));
  const applied: number[] = [];
  for (const migration of migrations.filter((m) => !alreadyApplied.has(m.version))) {
    const ran = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_ID]);
      const done = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version]);
      if (done.rowCount > 0) return false;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      return true;
    });
    if (ran) applied.push(migration.version);
  }
  return applied;
}

/**
 * The tenants' role and its rights on this schema (tenant-role.ts), under the migrations' lock:
 * concurrent GRANTs on one table can fail with "tuple concurrently updated".
 */
export function grantTenantRole(db: Database): Promise<void> {
  return inSystemScope(() =>
    db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_ID]);
      await tx.exec(TENANT_ROLE_SQL);
    }),
  );
}
