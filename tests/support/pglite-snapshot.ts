import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, readMigrations } from '../../src/infra/db/migrate';
import { PgliteDatabase } from '../../src/infra/db/pglite';

/**
 * Why: a fresh in-memory PGlite runs initdb (a second WebAssembly instance) before it can take a
 * migration, ~4 s of CPU per test file; starting from a dump of an already-migrated database
 * skips both and costs ~1.5 s. Jest's globalSetup builds the dump once per run, every file loads it.
 *
 * The file is named by a hash of the migrations and the PGlite version, so a changed migration or
 * an upgraded PGlite never loads a stale schema, and runs in other worktrees with the same
 * migrations share it safely. Start-up migrations still run on every app (they find nothing to
 * apply); tests/conformance/migrations.test.ts and tests/component/ops/run-scripts.test.ts apply
 * them to empty databases.
 */
export function migratedSnapshotPath(): string {
  const hash = createHash('sha256');
  hash.update(pgliteVersion());
  for (const m of readMigrations()) hash.update(`\0${m.version}\0${m.name}\0${m.sql}`);
  return join(tmpdir(), 'ocp-test-pglite', `migrated-${hash.digest('hex').slice(0, 16)}.tar.gz`);
}

/** The dump of a freshly migrated PGlite, built and written if no run has done it yet. */
export async function migratedSnapshot(): Promise<Buffer> {
  const path = migratedSnapshotPath();
  if (existsSync(path)) return readFileSync(path);
  const db = await PgliteDatabase.open();
  try {
    await migrate(db);
    const dump = await db.dumpDataDir();
    mkdirSync(join(path, '..'), { recursive: true });
    // Written aside then renamed: a worker or another run reading at the same moment never sees half a file.
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, dump);
    renameSync(partial, path);
    return dump;
  } finally {
    await db.close();
  }
}

function pgliteVersion(): string {
  // Read by path: the package's "exports" do not expose its package.json.
  const manifest = join(__dirname, '../../node_modules/@electric-sql/pglite/package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}
