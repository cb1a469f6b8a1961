import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/config';
import { PostgresDatabase } from '../../../src/infra/db/postgres';
import { createLogger } from '../../../src/infra/logger';
import { baseBackupCommand } from '../../../src/scripts/basebackup';
import { pitrRestoreCommand } from '../../../src/scripts/pitr-restore';
import { createWallet, fund, transfer, type TestUser } from '../../support/ledger';
import { freePort, ownedTempDir, postgresBinDir, startPrimary, stopDataDir, type OwnCluster } from '../../support/pg-cluster';
import { runScript } from '../../support/run-script';
import { CapturedLogs, registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { inSystemScope } from '../../../src/infra/tenant-scope';

// A real point-in-time recovery needs PostgreSQL's own binaries and a cluster of the test's own
// (archive_mode on, never the shared server); the PGlite run has no WAL to archive.
const bin = postgresBinDir();
const runs = Boolean(process.env.DATABASE_URL && bin);
if (!runs) process.stdout.write('point-in-time-recovery.test.ts skipped: needs DATABASE_URL and /usr/lib/postgresql/*/bin\n');

const ARCHIVE_SCRIPT = join(__dirname, '../../../docker/postgres/ocp-wal-archive');

jest.setTimeout(120_000);

type Balances = Record<string, string>;

(runs ? describe : describe.skip)('point-in-time recovery (npm run basebackup, npm run restore -- --to)', () => {
  let primary: OwnCluster;
  let db: PostgresDatabase;
  let t: TestApp;
  let archive: string;
  let backups: string;
  let scratch: string;
  const restoredDirs: string[] = [];

  beforeAll(async () => {
    archive = ownedTempDir('ocp-wal-archive-');
    backups = ownedTempDir('ocp-base-backups-');
    scratch = ownedTempDir('ocp-pitr-scratch-');
    primary = await startPrimary(bin!, [
      '-c archive_mode=on',
      `-c "archive_command=${ARCHIVE_SCRIPT} push %p %f ${archive}"`,
      '-c shared_buffers=16MB',
    ]);
    await primary.psql('CREATE DATABASE ocp_test');
    db = new PostgresDatabase({ connectionString: primary.url('ocp_test'), poolMax: 5 });
    t = await startTestApp({}, { db });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await db?.close();
    for (const dir of restoredDirs) await stopDataDir(bin!, dir);
    await primary?.stop();
    for (const dir of [archive, backups, scratch]) if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  async function balances(on: PostgresDatabase): Promise<Balances> {
    const { rows } = await on.query<{ id: string; balance: bigint }>('SELECT id, balance FROM wallets ORDER BY id');
    return Object.fromEntries(rows.map((r) => [r.id, r.balance.toString()]));
  }

  async function databaseNow(): Promise<string> {
    const { rows } = await db.query<{ now: string }>(
      `SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS now`,
    );
    return rows[0]!.now;
  }

  async function transfers(user: TestUser, from: string, to: string, amounts: number[]) {
    for (const amount of amounts) {
      const sent = await transfer(t, user, { fromWalletId: from, toWalletId: to, amount: String(amount) });
      expect(sent.status).toBe(201);
    }
  }

  /** Switches to a new WAL segment and waits until the archiver has copied the old one. */
  async function archiveCurrentWal() {
    // As the owner: switching WAL is the server's business, no tenant's.
    const { rows } = await inSystemScope(() => db.query<{ wal: string }>('SELECT pg_walfile_name(pg_switch_wal()) AS wal'));
    const wal = rows[0]!.wal;
    for (let i = 0; i < 300; i++) {
      const stat = await db.query<{ done: boolean }>('SELECT coalesce(last_archived_wal >= $1, false) AS done FROM pg_stat_archiver', [
        wal,
      ]);
      if (stat.rows[0]!.done) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`WAL segment ${wal} was not archived`);
  }

  /**
   * The command `npm run restore -- --to` runs, in-process (the refusal of a non-empty target below
   * goes through npm's script, which proves that wiring); its log lines as the script would print them.
   */
  async function restore(to: string, targetDir: string, extra: string[] = []) {
    const logs = new CapturedLogs();
    const args = [
      '--to',
      to,
      '--base-backups',
      backups,
      '--wal-archive',
      archive,
      '--target-dir',
      targetDir,
      '--os-user',
      'postgres',
      ...extra,
    ];
    const code = await pitrRestoreCommand(args)(loadConfig({ POSTGRES_BIN_DIR: bin }), createLogger('info', [logs]));
    return { code, lines: logs.entries, output: logs.text() };
  }

  let beforeBackup: string;
  let noted: string;
  let atNoted: Balances;
  let atEnd: Balances;

  it('when writes, a base backup, more writes and a noted time are archived, then the archive holds WAL segments', async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const a = await createWallet(t, alice);
    const b = await createWallet(t, bob);
    await fund(t, a.id, 10_000);
    await transfers(alice, a.id, b.id, [100, 200]);
    beforeBackup = await databaseNow();

    // In-process, as `npm run basebackup` runs it (its refusals below go through the script).
    const baseLogs = new CapturedLogs();
    const baseConfig = loadConfig({ DATABASE_URL: primary.url('ocp_test'), BASE_BACKUP_DIR: backups, POSTGRES_BIN_DIR: bin });
    expect(await baseBackupCommand(baseConfig, createLogger('info', [baseLogs]))).toBe(0);
    const written = baseLogs.entries.find((l) => l.message === 'base backup written');
    expect(written?.files).toEqual(['base.tar.gz', 'pg_wal.tar.gz']);
    const [name] = readdirSync(backups);
    expect(name).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/);
    expect(readdirSync(join(backups, name!)).sort()).toEqual(['backup_manifest', 'base.tar.gz', 'ocp-base-backup.json', 'pg_wal.tar.gz']);

    await transfers(alice, a.id, b.id, [300, 400]);
    await fund(t, b.id, 50);
    atNoted = await balances(db);
    noted = await databaseNow();
    expect(await balances(db)).toEqual(atNoted);

    // After the noted time: more transfers and a new wallet, none of which the recovery may keep.
    await new Promise((r) => setTimeout(r, 5));
    await transfers(bob, b.id, a.id, [1_000, 7]);
    await createWallet(t, bob);
    atEnd = await balances(db);
    expect(atEnd).not.toEqual(atNoted);
    await archiveCurrentWal();
    expect(readdirSync(archive).filter((f) => /^[0-9A-F]{24}$/.test(f)).length).toBeGreaterThan(0);
  });

  it('when the time is unparseable, impossible, in the future or before the first base backup, then restore exits 1 and creates nothing', async () => {
    const target = join(scratch, 'never');
    const cases: [string, RegExp][] = [
      ['yesterday', /not an ISO 8601 time/],
      ['2026-02-30T10:00:00Z', /not a real time/],
      ['2026-11-28T14:03:00', /not an ISO 8601 time with a zone/],
      [new Date(Date.now() + 3_600_000).toISOString(), /in the future/],
      [beforeBackup, /before the first base backup/],
    ];
    const other = ['--os-user', 'no-such-user-ocp'];
    // In-process (the same command `npm run restore -- --to` runs): five processes would cost seconds.
    for (const [to, reason] of cases) {
      const logs = new CapturedLogs();
      const args = ['--to', to, '--base-backups', backups, '--wal-archive', archive, '--target-dir', target, '--os-user', 'postgres'];
      const code = await pitrRestoreCommand(args)(loadConfig({ POSTGRES_BIN_DIR: bin }), createLogger('info', [logs]));
      expect({ to, code }).toEqual({ to, code: 1 });
      expect(logs.entries).toContainEqual(expect.objectContaining({ level: 'error', message: expect.stringMatching(reason) }));
      expect(existsSync(target)).toBe(false);
    }
    const logs = new CapturedLogs();
    const args = ['--to', noted, '--base-backups', backups, '--wal-archive', archive, '--target-dir', target, ...other];
    expect(await pitrRestoreCommand(args)(loadConfig({ POSTGRES_BIN_DIR: bin }), createLogger('info', [logs]))).toBe(1);
    expect(logs.text()).toMatch(/--os-user no-such-user-ocp failed/);
    expect(existsSync(target)).toBe(false);
  });

  it('when the base backup is of another major version than the binaries, then restore --start refuses before writing', async () => {
    const other = join(scratch, 'other-version');
    const [name] = readdirSync(backups);
    cpSync(join(backups, name!), join(other, name!), { recursive: true });
    const manifest = join(other, name!, 'ocp-base-backup.json');
    const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { serverVersionNum: number };
    const major = Math.floor(parsed.serverVersionNum / 10_000);
    writeFileSync(manifest, JSON.stringify({ ...parsed, serverVersionNum: (major + 1) * 10_000 + 4 }));
    const target = join(scratch, 'never-either');
    const logs = new CapturedLogs();
    const args = ['--to', noted, '--base-backups', other, '--wal-archive', archive, '--target-dir', target, '--os-user', 'postgres'];
    const code = await pitrRestoreCommand([...args, '--start', '--port', '1'])(
      loadConfig({ POSTGRES_BIN_DIR: bin }),
      createLogger('info', [logs]),
    );
    expect(code).toBe(1);
    expect(logs.text()).toContain(`is of PostgreSQL ${major + 1}; the binaries here are ${major}`);
    expect(existsSync(target)).toBe(false);
  });

  it('when the target directory is not empty, then restore refuses and leaves it as it was', async () => {
    const busy = join(scratch, 'busy');
    mkdirSync(busy);
    writeFileSync(join(busy, 'PG_VERSION'), '15\n');
    const run = await runScript(
      'restore.ts',
      ['--to', noted, '--base-backups', backups, '--wal-archive', archive, '--target-dir', busy, '--os-user', 'postgres'],
      { POSTGRES_BIN_DIR: bin },
    );
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/is not empty/);
    expect(readdirSync(busy)).toEqual(['PG_VERSION']);
  });

  it('when restored to the noted time, then the promoted copy verifies and holds exactly the balances of that instant', async () => {
    const target = join(scratch, 'at-noted');
    restoredDirs.push(target);
    const port = await freePort();
    const run = await restore(noted, target, ['--start', '--port', String(port)]);
    expect(run.lines.filter((l) => l.level === 'error')).toEqual([]);
    expect(run.code).toBe(0);
    const done = run.lines.find((l) => l.message === 'recovered and promoted');
    expect(String(done?.replay)).toMatch(/recovery stopping before commit/);

    const url = `postgres://postgres@127.0.0.1:${port}/ocp_test`;
    const verify = await runScript('verify-ledger.ts', [], { DATABASE_URL: url });
    expect(verify.lines).toContainEqual(expect.objectContaining({ message: 'ledger verified: every invariant holds', failed: [] }));
    expect(verify.code).toBe(0);
    const restored = new PostgresDatabase({ connectionString: url, poolMax: 1 });
    try {
      expect(await balances(restored)).toEqual(atNoted);
      expect((await restored.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r')).rows[0]!.r).toBe(false);
    } finally {
      await restored.close();
    }
  });

  it('when the time is after the end of the archived WAL, then the recovery stops short and restore exits 1 with the server log', async () => {
    const afterArchive = await databaseNow();
    const target = join(scratch, 'past-the-archive');
    restoredDirs.push(target);
    const run = await restore(afterArchive, target, ['--start', '--port', String(await freePort())]);
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/recovery ended before configured recovery target was reached/);
  });

  it('when restored to "latest", then the copy holds the balances of the end of the archive', async () => {
    const target = join(scratch, 'latest');
    restoredDirs.push(target);
    const port = await freePort();
    const run = await restore('latest', target, ['--start', '--port', String(port)]);
    expect(run.code).toBe(0);
    const restored = new PostgresDatabase({ connectionString: `postgres://postgres@127.0.0.1:${port}/ocp_test`, poolMax: 1 });
    try {
      expect(await balances(restored)).toEqual(atEnd);
    } finally {
      await restored.close();
    }
  });
});

describe('npm run basebackup refusals (no server needed)', () => {
  it('when there is no DATABASE_URL, then it exits 1 saying PGlite has no WAL to archive', async () => {
    const logs = new CapturedLogs();
    const code = await baseBackupCommand(loadConfig({}), createLogger('info', [logs]));
    expect(code).toBe(1);
    expect(logs.text()).toMatch(/needs DATABASE_URL/);
  });

  it('when the server cannot be reached, then it exits 1, leaves no folder and never prints the password', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocp-base-backups-failed-'));
    try {
      const run = await runScript('basebackup.ts', [], {
        DATABASE_URL: 'postgres://postgres:s3cret-Passw0rd@127.0.0.1:1/ocp',
        BASE_BACKUP_DIR: dir,
      });
      expect(run.code).toBe(1);
      expect(run.lines).toContainEqual(expect.objectContaining({ level: 'error', message: 'basebackup failed' }));
      expect(run.output).not.toContain('s3cret-Passw0rd');
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
