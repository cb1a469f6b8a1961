import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, openAsBlob, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { migrate, readMigrations } from '../../src/infra/db/migrate';
import { PgliteDatabase } from '../../src/infra/db/pglite';
import { inSystemScope } from '../../src/infra/tenant-scope';

/**
 * Why: a fresh in-memory PGlite runs initdb (a second WebAssembly instance) before it can take a
 * migration, ~4 s of CPU per test database; starting from a dump skips it. Jest's globalSetup builds
 * the dumps once per run and every test database loads one: `migrated` (the schema the app expects)
 * or `empty` (initdb only, for the tests of migrate() itself).
 *
 * The dumps are kept as plain tar, not gzip: inflating them for every test database cost more than
 * reading it. They are also cut from initdb's 43 MB to what a test database needs (see compactDump). Their names carry a hash of the migrations and the PGlite version, so a changed
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

/** Bumped when the way dumps are built changes, so no run loads one built the old way. */
const DUMP_FORMAT = 'compact-1';

export function snapshotPath(kind: SnapshotKind): string {
  const hash = createHash('sha256');
  hash.update(`${DUMP_FORMAT}\0${pgliteVersion()}`);
  for (const m of readMigrations()) hash.update(`\0${m.version}\0${m.name}\0${m.sql}`);
  return join(tmpdir(), 'ocp-test-pglite', `${kind}-${hash.digest('hex').slice(0, 16)}.tar`);
}

/** The dump of a freshly started (and, for `migrated`, migrated) PGlite, built and written if no run has done it yet. */
export async function pgliteSnapshot(kind: SnapshotKind): Promise<Blob> {
  const path = snapshotPath(kind);
  // As the owner: compacting switches WAL and checkpoints, which no tenant may do.
  if (!existsSync(path)) await inSystemScope(() => writeSnapshot(kind, path));
  return openAsBlob(path);
}

async function writeSnapshot(kind: SnapshotKind, path: string): Promise<void> {
  const db = await PgliteDatabase.open();
  try {
    if (kind === 'migrated') await migrate(db);
    const dump = await compactDump(db);
    mkdirSync(join(path, '..'), { recursive: true });
    // Written aside then renamed: a worker or another run reading at the same moment never sees half a file.
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, dump);
    renameSync(partial, path);
  } finally {
    await db.close();
  }
}

/**
 * Why: every test database copies its dump into memory, so each MB costs every test file. Of initdb's
 * 43 MB, 15 MB are the template databases (only CREATE DATABASE reads them; no test database runs
 * it) and 16 MB the first WAL segment. After a switch to a fresh segment and a checkpoint, the
 * database starts from that checkpoint near the new segment's head: the older segments are not read
 * and the new one's zero tail is not needed (PostgreSQL writes past the end of the file as it goes).
 */
async function compactDump(db: PgliteDatabase): Promise<Buffer> {
  for (const template of ['template0', 'template1']) {
    await db.exec(`UPDATE pg_database SET datistemplate = false WHERE datname = '${template}'`);
    await db.exec(`DROP DATABASE ${template}`);
  }
  await db.query('SELECT pg_switch_wal()');
  await db.exec('CHECKPOINT');
  const { rows } = await db.query<{ file: string }>('SELECT redo_wal_file AS file FROM pg_control_checkpoint()');
  return rewriteTar(gunzipSync(await db.dumpDataDir()), (name, data) => {
    const segment = /\/pg_wal\/([0-9A-F]{24})$/.exec(name)?.[1];
    if (segment === undefined) return data;
    return segment === rows[0]!.file ? withoutZeroTail(data) : null;
  });
}

const TAR_BLOCK = 512;
const WAL_PAGE = 8192;

/** A ustar archive with each file's data replaced by `edit`'s answer (null: the file is left out). */
function rewriteTar(tar: Buffer, edit: (name: string, data: Buffer) => Buffer | null): Buffer {
  const out: Buffer[] = [];
  const field = (header: Buffer, start: number, length: number) => header.toString('utf8', start, start + length).replace(/\0.*$/s, '');
  for (let offset = 0; offset + TAR_BLOCK <= tar.length;) {
    const header = Buffer.from(tar.subarray(offset, offset + TAR_BLOCK));
    if (header.every((byte) => byte === 0)) break;
    const prefix = field(header, 345, 155);
    const name = `${prefix ? `${prefix}/` : ''}${field(header, 0, 100)}`;
    const size = parseInt(field(header, 124, 12).trim() || '0', 8);
    const data = edit(name, tar.subarray(offset + TAR_BLOCK, offset + TAR_BLOCK + size));
    offset += TAR_BLOCK + padded(size);
    if (data === null) continue;
    header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124, 12, 'utf8');
    header.fill(' ', 148, 156);
    const checksum = header.reduce((sum, byte) => sum + byte, 0);
    header.write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'utf8');
    out.push(header, data, Buffer.alloc(padded(data.length) - data.length));
  }
  out.push(Buffer.alloc(2 * TAR_BLOCK));
  return Buffer.concat(out);
}

const padded = (size: number) => Math.ceil(size / TAR_BLOCK) * TAR_BLOCK;

/** A WAL segment up to its last written page, plus one zero page as the end-of-WAL mark. */
function withoutZeroTail(segment: Buffer): Buffer {
  let end = segment.length;
  while (end > 0 && segment.subarray(end - WAL_PAGE, end).every((byte) => byte === 0)) end -= WAL_PAGE;
  return segment.subarray(0, Math.min(segment.length, end + WAL_PAGE));
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
