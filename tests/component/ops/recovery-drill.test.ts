import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { Client } from 'pg';
import { loadConfig } from '../../../src/config/config';
import { createContainer } from '../../../src/container';
import { MemoryCache } from '../../../src/infra/cache/memory-cache';
import { openDatabase } from '../../../src/infra/db/open-database';
import { createLogger } from '../../../src/infra/logger';
import { MANIFEST_SUFFIX } from '../../../src/infra/db/backup/backup-files';
import { backupCommand } from '../../../src/scripts/backup';
import { recoveryDrillCommand, type DrillOptions } from '../../../src/scripts/recovery-drill';
import { createLedgerActivity } from '../../support/activity';
import { seedDataDir } from '../../support/pglite-snapshot';
import { runScript } from '../../support/run-script';
import { createScratchDatabase, type ScratchDatabase } from '../../support/scratch-database';
import { CapturedLogs, TEST_ADMIN, type TestApp } from '../../support/test-app';
import { inSystemScope } from '../../../src/infra/tenant-scope';

jest.setTimeout(120_000);

const onPostgres = Boolean(process.env.DATABASE_URL);
const hasPgDump = spawnSync('pg_dump', ['--version']).status === 0;
const runs = !onPostgres || hasPgDump;
if (!runs) process.stdout.write('recovery-drill.test.ts skipped: DATABASE_URL is set but pg_dump is not installed\n');

async function startAppOn(scratch: ScratchDatabase): Promise<TestApp> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    ADMIN_EMAIL: TEST_ADMIN.email,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    ADJUSTMENT_FOUR_EYES_THRESHOLD_MINOR: '9223372036854775807',
    ADJUSTMENT_FOUR_EYES_DAILY_LIMIT_MINOR: '9223372036854775807',
    WEBHOOK_WORKER_INTERVAL_MS: '0',
    ...scratch.env,
  });
  const logs = new CapturedLogs();
  const container = await createContainer(config, { cache: new MemoryCache(), logger: createLogger('warn', [logs]) });
  return { container, app: container.app, config, logs, http: () => request(container.app), close: () => container.close() };
}

(runs ? describe : describe.skip)(`npm run recovery-drill on ${onPostgres ? 'PostgreSQL' : 'PGlite'}`, () => {
  let source: ScratchDatabase;
  let backupDir: string;
  let backupFile: string;
  const settings = (extra: Record<string, string> = {}) => ({ ...source.env, BACKUP_DIR: backupDir, ...extra });

  /** The drill in this process, with a hook on its restore, its log lines captured. */
  async function drillInProcess(afterRestore?: DrillOptions['afterRestore'], extra: Record<string, string> = {}) {
    const logs = new CapturedLogs();
    const config = loadConfig(settings({ LOG_LEVEL: 'info', ...extra }));
    const code = await recoveryDrillCommand({ afterRestore })(config, createLogger('info', [logs]));
    return { code, lines: logs.entries };
  }

  async function drillRows(): Promise<{ ok: boolean; backup_name: string }[]> {
    const db = await openDatabase(loadConfig(source.env));
    try {
      const drills = await inSystemScope(() =>
        db.query<{ ok: boolean; backup_name: string }>('SELECT ok, backup_name FROM recovery_drills ORDER BY id'),
      );
      return drills.rows;
    } finally {
      await db.close();
    }
  }

  beforeAll(async () => {
    source = await createScratchDatabase('drill_src');
    if ('DATA_DIR' in source.env) await seedDataDir(source.env.DATA_DIR);
    backupDir = mkdtempSync(join(tmpdir(), 'ocp-drill-backups-'));
    const t = await startAppOn(source);
    try {
      await createLedgerActivity(t);
    } finally {
      await t.close();
    }
    // An old backup (40 days) that the age rule deletes once the new one is written: with a floor of
    // one, only the new one stays.
    const old = join(backupDir, 'ocp-2026-01-01T00-00-00-000Z.' + (onPostgres ? 'dump' : 'tar.gz'));
    writeFileSync(old, 'an old backup');
    // In-process, as `npm run backup` runs it.
    const logs = new CapturedLogs();
    const config = loadConfig(settings({ BACKUP_RETENTION_COUNT: '1' }));
    expect(await backupCommand()(config, createLogger('info', [logs]))).toBe(0);
    backupFile = String(logs.entries.find((l) => l.message === 'backup written')?.path);
    expect(logs.entries).toContainEqual(expect.objectContaining({ message: 'old backups deleted', deleted: [old.split('/').at(-1)] }));
    expect(existsSync(old)).toBe(false);
  });
  afterAll(async () => {
    await source?.drop();
    rmSync(backupDir, { recursive: true, force: true });
  });

  it('when a backup is taken, then its manifest holds the row counts and balances checksum of its snapshot', () => {
    const manifest = JSON.parse(readFileSync(`${backupFile}.manifest.json`, 'utf8')) as {
      tables: Record<string, string>;
      wallets: Record<string, string>;
    };
    expect(manifest).toMatchObject({ version: 1, engine: source.engine, wallets: { checksum: expect.stringMatching(/^[0-9a-f]{32}$/) } });
    expect(Number(manifest.tables.transfers)).toBeGreaterThan(0);
    expect(Number(manifest.wallets.count)).toBeGreaterThan(0);
  });

  it('when the drill runs on a good backup, then it restores, verifies, matches the manifest, reports, and removes its scratch copy', async () => {
    const run = await runScript('recovery-drill.ts', [], settings());
    expect(run.code).toBe(0);
    const report = run.lines.find((l) => String(l.message).startsWith('recovery drill passed'));
    expect(report).toMatchObject({ problems: [], backup: backupFile.split('/').at(-1), engine: source.engine });
    expect(report?.tablesCompared).toBeGreaterThan(20);
    expect((report?.ledgerChecks as { violations: number }[]).length).toBeGreaterThan(2);
    const where = String(report?.restoredInto);
    if (onPostgres) {
      const name = /database (ocp_drill_\w+) on/.exec(where)?.[1];
      expect(name).toBeDefined();
      const admin = new Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      await admin.end();
      expect(rows).toEqual([]);
    } else {
      expect(existsSync(where.replace(/^folder /, ''))).toBe(false);
    }
    expect((await drillRows()).at(-1)).toEqual({ ok: true, backup_name: backupFile.split('/').at(-1) });
  });

  it('when a drill has passed, then GET /metrics exports the time of the last success', async () => {
    const t = await startAppOn(source);
    try {
      const text = (await t.http().get('/metrics')).text;
      const value = Number(/^ocp_recovery_drill_last_success_timestamp_seconds (\S+)$/m.exec(text)?.[1]);
      expect(value).toBeGreaterThan(Date.now() / 1000 - 300);
      expect(value).toBeLessThanOrEqual(Date.now() / 1000 + 1);
    } finally {
      await t.close();
    }
  });

  it('when the restore differs from its backup (a balance changed), then the drill fails naming the checks and figures', async () => {
    const { code, lines } = await drillInProcess((db) =>
      db.query('UPDATE wallets SET balance = balance + 1 WHERE id = (SELECT min(id) FROM wallets)').then(() => undefined),
    );
    expect(code).toBe(2);
    const failure = lines.find((l) => String(l.message).startsWith('recovery drill FAILED'));
    expect(failure?.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ledger check \S+: 1 violation/),
        expect.stringMatching(/^wallets balanceSum: /),
        expect.stringMatching(/^wallets checksum: /),
      ]),
    );
    expect((await drillRows()).at(-1)?.ok).toBe(false);
  });

  it('when the manifest was tampered with, then the drill fails naming the table and exits 2', async () => {
    const path = `${backupFile}.manifest.json`;
    const original = readFileSync(path, 'utf8');
    const manifest = JSON.parse(original) as { tables: Record<string, string> };
    manifest.tables.transfers = String(Number(manifest.tables.transfers) + 1);
    writeFileSync(path, JSON.stringify(manifest));
    try {
      const run = await drillInProcess();
      expect(run.code).toBe(2);
      const failure = run.lines.find((l) => String(l.message).startsWith('recovery drill FAILED'));
      expect(failure?.problems).toEqual([expect.stringMatching(/^table transfers: \d+ rows in the backup, \d+ restored$/)]);
    } finally {
      writeFileSync(path, original);
    }
  });

  it('when a failed drill follows a passed one, then the metric still shows the last success', async () => {
    const rows = await drillRows();
    expect(rows.map((r) => r.ok)).toEqual([true, false, false]);
    const db = await openDatabase(loadConfig(source.env));
    try {
      const { rows: last } = await inSystemScope(() => db.query<{ n: string }>('SELECT count(*)::text AS n FROM recovery_drills WHERE ok'));
      expect(last[0]?.n).toBe('1');
    } finally {
      await db.close();
    }
  });

  it('when the newest backup cannot be restored (its bytes are garbage), then the drill exits 1 saying so and records the failure', async () => {
    const broken = mkdtempSync(join(tmpdir(), 'ocp-drill-broken-'));
    try {
      const name = backupFile
        .split('/')
        .at(-1)!
        .replace(/^ocp-\d{4}/, 'ocp-2999');
      writeFileSync(join(broken, name), 'not a backup');
      writeFileSync(join(broken, name + MANIFEST_SUFFIX), readFileSync(backupFile + MANIFEST_SUFFIX));
      const run = await drillInProcess(undefined, { BACKUP_DIR: broken });
      expect(run.code).toBe(1);
      expect(run.lines).toContainEqual(
        expect.objectContaining({
          level: 'error',
          message: 'recovery drill FAILED: the backup could not be restored or read',
          backup: name,
        }),
      );
      expect((await drillRows()).at(-1)).toEqual({ ok: false, backup_name: name });
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });

  it('when BACKUP_DIR holds no backup, then the drill exits 1 saying so', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'ocp-drill-empty-'));
    try {
      const run = await drillInProcess(undefined, { BACKUP_DIR: empty });
      expect(run.code).toBe(1);
      expect(run.lines).toContainEqual(
        expect.objectContaining({ level: 'error', message: expect.stringMatching(/^recovery drill FAILED: no (dump|tar\.gz) backup in/) }),
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
