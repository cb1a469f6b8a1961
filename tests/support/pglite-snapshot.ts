import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, openAsBlob, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { migrate, readMigrations } from '../../src/infra/db/migrate';
import { PgliteDatabase } from '../../src/infra/db/pglite';

/**
 * Why: a fresh in-memory PGlite runs initdb (a second WebAssembly instance) before it can take a
 * migration, ~4 s of CPU per test database; starting from a dump skips it. Jest's globalSetup builds
 * the dumps once per run and every test database loads one: `migrated` (the schema the app expects)
 * or `empty` (initdb only, for the tests of migrate() itself).
 *
 * The dumps are kept as plain tar, not gzip: inflating 43 MB for every test database cost more than
 * reading it. Their names carry a hash of the migrations and the PGlite version, so a changed
 * migration or an upgraded PGlite never loads a stale schema, and runs in other worktrees with the
 * same migrations share them safely. Start-up migrations still run on every app (they find nothing
 * to apply).
 */
export type SnapshotKind = 'migrated' | 'empty';

/**
 * Server settings for test databases: PostgreSQL zeroes and sets up its shared buffers at every start,
 * and the default 128 MB took half of the start of each test database. A test database holds a few MB.
 */
export const TEST_PGLITE_SETTINGS = { shared_buffers: '16MB', max_connections: '10' };

export function snapshotPath(kind: SnapshotKind): string {
  const hash = createHash('sha256');
  hash.update(pgliteVersion());
  for (const m of readMigrations()) hash.update(`\0${m.version}\0${m.name}\0${m.sql}`);
  return join(tmpdir(), 'ocp-test-pglite', `${kind}-${hash.digest('hex').slice(0, 16)}.tar`);
}

/** The dump of a freshly started (and, for `migrated`, migrated) PGlite, built and written if no run has done it yet. */
export async function pgliteSnapshot(kind: SnapshotKind): Promise<Blob> {
  const path = snapshotPath(kind);
  if (!existsSync(path)) await writeSnapshot(kind, path);
  return openAsBlob(path);
}

async function writeSnapshot(kind: SnapshotKind, path: string): Promise<void> {
  const db = await PgliteDatabase.open();
  try {
    if (kind === 'migrated') await migrate(db);
    const dump = gunzipSync(await db.dumpDataDir());
    mkdirSync(join(path, '..'), { recursive: true });
    // Written aside then renamed: a worker or another run reading at the same moment never sees half a file.
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, dump);
    renameSync(partial, path);
  } finally {
    await db.close();
  }
}

function pgliteVersion(): string {
  // Read by path: the package's "exports" do not expose its package.json.
  const manifest = join(__dirname, '../../node_modules/@electric-sql/pglite/package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/**
 * Puts the migrated snapshot in DATA_DIR (as `<dataDir>/pglite`, where the app looks), for tests of
 * processes that start on a folder: an empty folder would make each of them run initdb first.
 * The first start on an empty folder is tested by tests/component/ops/run-scripts.test.ts.
 */
export async function seedDataDir(dataDir: string): Promise<void> {
  const db = await PgliteDatabase.open(join(dataDir, 'pglite'), await pgliteSnapshot('migrated'), TEST_PGLITE_SETTINGS);
  await db.close();
}
