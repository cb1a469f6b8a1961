import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import request from 'supertest';
import { loadConfig } from '../../../src/config/config';
import { createContainer } from '../../../src/container';
import { MemoryCache } from '../../../src/infra/cache/memory-cache';
import type { Database } from '../../../src/infra/db/database';
import { compareFigures, readFigures, readManifest } from '../../../src/infra/db/backup/backup-manifest';
import { openDatabase } from '../../../src/infra/db/open-database';
import { createLogger } from '../../../src/infra/logger';
import { createLedgerActivity } from '../../support/activity';
import { createWallet, fund, transfer } from '../../support/ledger';
import { seedDataDir } from '../../support/pglite-snapshot';
import { runScript } from '../../support/run-script';
import { createScratchDatabase, type ScratchDatabase } from '../../support/scratch-database';
import { CapturedLogs, registerUser, TEST_ADMIN, type TestApp } from '../../support/test-app';

jest.setTimeout(180_000);

/** The app on a scratch database of its own, so the backup holds nothing but this test's ledger. */
async function startAppOn(scratch: ScratchDatabase): Promise<TestApp> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    ADMIN_EMAIL: TEST_ADMIN.email,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    RATE_LIMIT_GLOBAL_MAX: '100000',
    RATE_LIMIT_USER_MAX: '100000',
    RATE_LIMIT_PAYMENT_MAX: '100000',
    // The ledger activity is funded with adjustments by the one test admin.
    ADJUSTMENT_FOUR_EYES_THRESHOLD_MINOR: '9223372036854775807',
    ADJUSTMENT_FOUR_EYES_DAILY_LIMIT_MINOR: '9223372036854775807',
    WEBHOOK_WORKER_INTERVAL_MS: '0',
    ...scratch.env,
  });
  const logs = new CapturedLogs();
  const container = await createContainer(config, { cache: new MemoryCache(), logger: createLogger('warn', [logs]) });
  return { container, app: container.app, config, logs, http: () => request(container.app), close: () => container.close() };
}

async function ledgerSnapshot(db: Database) {
  const wallets = await db.query<{ id: string; balance: bigint }>('SELECT id, balance FROM wallets ORDER BY id');
  const transfers = await db.query<{ id: string; refunded_amount: bigint }>('SELECT id, refunded_amount FROM transfers ORDER BY id');
  return { wallets: wallets.rows, transfers: transfers.rows };
}

async function snapshotOf(scratch: ScratchDatabase) {
  const db = await openDatabase(loadConfig(scratch.env));
  try {
    return await ledgerSnapshot(db);
  } finally {
    await db.close();
  }
}

describe(`npm run backup / restore / verify-ledger on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  let source: ScratchDatabase;
  let target: ScratchDatabase;
  let backupDir: string;
  let before: Awaited<ReturnType<typeof ledgerSnapshot>>;
  let expected: Record<string, bigint>;
  let backupFile: string;

  beforeAll(async () => {
    source = await createScratchDatabase('backup_src');
    if ('DATA_DIR' in source.env) await seedDataDir(source.env.DATA_DIR);
    target = await createScratchDatabase('backup_dst');
    backupDir = mkdtempSync(join(tmpdir(), 'ocp-backups-'));
    const t = await startAppOn(source);
    try {
      expected = (await createLedgerActivity(t)).expectedBalances;
      before = await ledgerSnapshot(t.container.db);
    } finally {
      // PGlite's folder is backed up by a process of its own, so the server must let go of it first.
      await t.close();
    }
  });
  afterAll(async () => {
    await source.drop();
    await target.drop();
    rmSync(backupDir, { recursive: true, force: true });
  });

  const settings = (scratch: ScratchDatabase, extra: Record<string, string> = {}) => ({ ...scratch.env, BACKUP_DIR: backupDir, ...extra });

  it('when a backup is taken, then one timestamped file appears in BACKUP_DIR and its path is printed', async () => {
    const run = await runScript('backup.ts', [], settings(source));
    expect(run.code).toBe(0);
    const written = run.lines.find((l) => l.message === 'backup written');
    backupFile = String(written?.path);
    expect(basename(backupFile)).toMatch(/^ocp-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z\.(dump|tar\.gz)$/);
    expect(readdirSync(backupDir).sort()).toEqual([basename(backupFile), `${basename(backupFile)}.manifest.json`]);
    expect(written?.bytes).toBeGreaterThan(1000);
  });

  it('when it is restored into an empty database, then the ledger verifies and every balance matches', async () => {
    const run = await runScript('restore.ts', [backupFile], settings(target));
    expect(run.code).toBe(0);
    expect(run.lines).toContainEqual(expect.objectContaining({ message: 'backup restored' }));
    expect(run.lines).toContainEqual(expect.objectContaining({ message: 'ledger verified: every invariant holds', failed: [] }));
    const after = await snapshotOf(target);
    expect(after).toEqual(before);
    const restored = Object.fromEntries(after.wallets.map((w) => [w.id, w.balance]));
    expect(Object.fromEntries(Object.keys(expected).map((id) => [id, restored[id]]))).toEqual(expected);
    expect(after.transfers.map((t) => t.refunded_amount)).toContain(700n);

    const verify = await runScript('verify-ledger.ts', [], target.env);
    expect(verify.code).toBe(0);
  });

  it('when the target database is not empty, then restore refuses and changes nothing', async () => {
    const run = await runScript('restore.ts', [backupFile], settings(target));
    expect(run.code).toBe(1);
    expect(run.lines).toContainEqual(expect.objectContaining({ level: 'error', message: expect.stringMatching(/not empty/) }));
    expect(await snapshotOf(target)).toEqual(before);
  });

  it('when the file is missing or of the other engine, then restore refuses naming why', async () => {
    const missing = await runScript('restore.ts', [join(backupDir, 'nope.dump')], settings(target));
    expect(missing.code).toBe(1);
    expect(missing.lines).toContainEqual(expect.objectContaining({ message: expect.stringMatching(/no such backup file/) }));
    const other = join(backupDir, source.engine === 'postgres' ? 'x.tar.gz' : 'x.dump');
    writeFileSync(other, 'not a backup');
    const wrong = await runScript('restore.ts', [other], settings(target));
    rmSync(other);
    expect(wrong.code).toBe(1);
    expect(wrong.lines).toContainEqual(expect.objectContaining({ message: expect.stringMatching(/is not a (postgres|pglite) backup/) }));
    const none = await runScript('restore.ts', [], settings(target));
    expect(none.code).toBe(1);
  });

  it('when backups are older than BACKUP_RETENTION_DAYS, then they and their manifests go, the rest stays', async () => {
    const ext = source.engine === 'postgres' ? 'dump' : 'tar.gz';
    const daysAgo = (days: number) => `ocp-${new Date(Date.now() - days * 86_400_000).toISOString().replace(/[:.]/g, '-')}.${ext}`;
    const old = daysAgo(40);
    const recent = daysAgo(20);
    for (const name of [old, `${old}.manifest.json`, recent, 'notes.txt']) writeFileSync(join(backupDir, name), 'x');
    const run = await runScript('backup.ts', [], settings(source, { BACKUP_RETENTION_DAYS: '30', BACKUP_RETENTION_COUNT: '1' }));
    expect(run.code).toBe(0);
    expect(run.lines).toContainEqual(expect.objectContaining({ message: 'old backups deleted', deleted: [old] }));
    const left = readdirSync(backupDir);
    expect(left).not.toContain(old);
    expect(left).not.toContain(`${old}.manifest.json`);
    expect(left).toEqual(expect.arrayContaining([recent, 'notes.txt', basename(backupFile)]));
  });

  it('when the database cannot be reached, then backup exits 1, leaves no file and never prints the password', async () => {
    const emptyDir = mkdtempSync(join(tmpdir(), 'ocp-backups-failed-'));
    const run = await runScript('backup.ts', [], {
      DATABASE_URL: 'postgres://postgres:s3cret-Passw0rd@127.0.0.1:1/test',
      BACKUP_DIR: emptyDir,
    });
    expect(run.code).toBe(1);
    expect(run.lines).toContainEqual(expect.objectContaining({ level: 'error', message: 'backup failed' }));
    expect(run.output).not.toContain('s3cret-Passw0rd');
    expect(readdirSync(emptyDir)).toEqual([]);
    rmSync(emptyDir, { recursive: true });
  });

  it('when DATA_DIR holds no embedded database, then backup exits 1 naming the folder and creates none', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ocp-no-data-'));
    const run = await runScript('backup.ts', [], { DATA_DIR: dataDir, BACKUP_DIR: join(dataDir, 'backups') });
    expect(run.code).toBe(1);
    expect(run.output).toContain(`no PGlite database in ${join(dataDir, 'pglite')}`);
    expect(readdirSync(dataDir)).toEqual(['backups']);
    rmSync(dataDir, { recursive: true });
  });
});

// A hot backup needs a server: PGlite is backed up with the server stopped, as its runbook says.
if (process.env.DATABASE_URL) {
  describe('npm run backup while transfers are being written (PostgreSQL)', () => {
    it('when transfers run during the backup, then the restored ledger still verifies', async () => {
      const source = await createScratchDatabase('hot_src');
      const target = await createScratchDatabase('hot_dst');
      const backupDir = mkdtempSync(join(tmpdir(), 'ocp-hot-backups-'));
      const t = await startAppOn(source);
      try {
        const alice = await registerUser(t);
        const from = await createWallet(t, alice);
        const to = await createWallet(t, alice);
        await fund(t, from.id, 1_000_000);
        let stop = false;
        const writer = (async () => {
          let posted = 0;
          while (!stop && posted < 2_000) {
            await Promise.all(
              Array.from({ length: 5 }, () => transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: '1' })),
            );
            posted += 5;
          }
          return posted;
        })();
        const backup = await runScript('backup.ts', [], { ...source.env, BACKUP_DIR: backupDir });
        stop = true;
        expect(await writer).toBeGreaterThan(0);
        expect(backup.code).toBe(0);
        const restore = await runScript('restore.ts', [String(backup.lines.find((l) => l.message === 'backup written')?.path)], target.env);
        expect(restore.code).toBe(0);
        expect(restore.lines).toContainEqual(expect.objectContaining({ message: 'ledger verified: every invariant holds' }));
        // The manifest's figures were read in the snapshot pg_dump copied, not a moment before or after it.
        const backupPath = String(backup.lines.find((l) => l.message === 'backup written')?.path);
        const manifest = readManifest(`${backupPath}.manifest.json`);
        const restored = await openDatabase(loadConfig(target.env));
        try {
          expect(compareFigures(manifest, await readFigures(restored))).toEqual([]);
        } finally {
          await restored.close();
        }
      } finally {
        await t.close();
        await source.drop();
        await target.drop();
        rmSync(backupDir, { recursive: true, force: true });
      }
    });
  });
}
