import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirLocked, lockDataDir } from '../../../src/infra/db/data-dir-lock';
import { PgliteDatabase } from '../../../src/infra/db/pglite';
import { spawnNpm, type NpmProcess } from '../../support/npm-process';
import { seedDataDir } from '../../support/pglite-snapshot';
import { runScript } from '../../support/run-script';

jest.setTimeout(120_000);

const PASSWORD = 'Lock-test-passw0rd';

/** The pid of a process that has already exited. */
function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ['-e', '']);
  return pid!;
}

describe('one process per embedded data directory', () => {
  let dataDir: string;
  let proc: NpmProcess | undefined;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'ocp-lock-'));
  });

  afterEach(() => {
    proc?.killTree();
    proc = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('when the folder is open in this process, then a second open is refused, and close releases it', async () => {
    await seedDataDir(dataDir);
    const dir = join(dataDir, 'pglite');
    const first = await PgliteDatabase.open(dir);
    try {
      await expect(PgliteDatabase.open(dir)).rejects.toThrow(DataDirLocked);
      expect(readFileSync(join(dataDir, 'pglite.lock'), 'utf8').trim()).toBe(String(process.pid));
    } finally {
      await first.close();
    }
    expect(existsSync(join(dataDir, 'pglite.lock'))).toBe(false);
    const again = await PgliteDatabase.open(dir);
    await again.close();
  });

  it('when the lock was left by a process that no longer exists (kill -9, or our own pid from a previous life), then it is taken over', () => {
    const lockFile = join(dataDir, 'pglite.lock');
    for (const stalePid of [deadPid(), process.pid, 'garbage']) {
      writeFileSync(lockFile, `${stalePid}\n`);
      const release = lockDataDir(join(dataDir, 'pglite'));
      expect(readFileSync(lockFile, 'utf8').trim()).toBe(String(process.pid));
      release();
      expect(existsSync(lockFile)).toBe(false);
    }
  });

  it('when the server runs on the folder, then admin:create refuses naming the folder and the pid and writes nothing; after the server stops it works', async () => {
    await seedDataDir(dataDir);
    const env = { HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'info', DATA_DIR: dataDir };
    proc = spawnNpm(['start'], { ...env, PORT: '0' });
    await proc.waitForLine((l) => l.message === 'ready');
    const [serverPid] = proc.descendants(); // `exec node`: npm's one child is the server
    // Not a timestamp: 13 digits can pass the Luhn check, and the logs mask card-like numbers.
    const email = `lock-${randomBytes(4).toString('hex')}@ocp.test`;

    const refused = await runScript('create-admin.ts', ['--email', email, '--password', PASSWORD], env);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain(`in use by another process (pid ${serverPid})`);
    expect(refused.output).toContain(dataDir);

    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    expect(existsSync(join(dataDir, 'pglite.lock'))).toBe(false);

    // Exit 0, not "email already exists": the refused run wrote nothing.
    const created = await runScript('create-admin.ts', ['--email', email, '--password', PASSWORD], env);
    expect(created.code).toBe(0);
    expect(created.lines).toContainEqual(expect.objectContaining({ message: 'admin created', email }));

    // A lock left by a dead process does not block the next run.
    writeFileSync(join(dataDir, 'pglite.lock'), `${deadPid()}\n`);
    const afterCrash = await runScript('migrate.ts', [], env);
    expect(afterCrash.code).toBe(0);
  });
});
