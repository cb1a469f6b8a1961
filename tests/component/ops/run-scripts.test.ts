import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

interface Run {
  code: number;
  lines: Record<string, unknown>[];
  stderr: string;
}

/** Runs a script as `npm run` would, on PGlite in its own DATA_DIR, whatever the test run's env. */
function runScript(script: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      [join(ROOT, 'src/scripts', script), ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const lines = stdout
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        resolve({ code: error ? Number(error.code ?? 1) : 0, lines, stderr });
      },
    );
  });
}

describe('npm run migrate and npm run admin:create as processes', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'ocp-scripts-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('when migrate runs twice on one DATA_DIR, then the first applies 0001_auth and the second applies nothing', async () => {
    const first = await runScript('migrate.ts', [], { DATA_DIR: dataDir });
    expect(first.code).toBe(0);
    expect(first.lines).toContainEqual(
      expect.objectContaining({ message: 'migrations applied', engine: 'pglite', migrations: expect.arrayContaining(['0001_auth']) }),
    );
    const second = await runScript('migrate.ts', [], { DATA_DIR: dataDir });
    expect(second.code).toBe(0);
    expect(second.lines).toContainEqual(expect.objectContaining({ message: expect.stringMatching(/up to date/) }));
  });

  it('when the database cannot be reached, then migrate exits non-zero and logs why', async () => {
    const run = await runScript('migrate.ts', [], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' });
    expect(run.code).not.toBe(0);
    expect(run.lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'migrate failed',
        error: expect.objectContaining({ code: 'database_unavailable' }),
      }),
    );
  });

  it('when a setting is malformed, then migrate exits non-zero naming it', async () => {
    const run = await runScript('migrate.ts', [], { DATA_DIR: dataDir, PORT: 'abc' });
    expect(run.code).not.toBe(0);
    expect(run.lines).toContainEqual(expect.objectContaining({ error: expect.stringMatching(/PORT: /) }));
  });

  it('when admin:create runs twice with the same email, then it creates once and then says the email exists', async () => {
    const args = ['--email', 'root@ocp.test', '--password', 'Str0ng-admin-passw0rd'];
    const first = await runScript('create-admin.ts', args, { DATA_DIR: dataDir });
    expect(first.code).toBe(0);
    expect(first.lines).toContainEqual(expect.objectContaining({ message: 'admin created', email: 'root@ocp.test' }));
    const second = await runScript('create-admin.ts', args, { DATA_DIR: dataDir });
    expect(second.code).toBe(1);
    expect(second.lines).toContainEqual(expect.objectContaining({ message: expect.stringMatching(/already exists/) }));
  });

  it('when ADMIN_EMAIL / ADMIN_PASSWORD are set and no flags are given, then that admin is created', async () => {
    const run = await runScript('create-admin.ts', [], {
      DATA_DIR: dataDir,
      ADMIN_EMAIL: 'from-env@ocp.test',
      ADMIN_PASSWORD: 'Env-admin-passw0rd',
    });
    expect(run.code).toBe(0);
    expect(run.lines).toContainEqual(expect.objectContaining({ message: 'admin created', email: 'from-env@ocp.test' }));
    expect(JSON.stringify(run.lines)).not.toContain('Env-admin-passw0rd');
  });

  it('when the password is weak, then admin:create refuses and says why', async () => {
    const run = await runScript('create-admin.ts', ['--email', 'weak@ocp.test', '--password', 'password'], { DATA_DIR: dataDir });
    expect(run.code).toBe(1);
    expect(run.lines).toContainEqual(expect.objectContaining({ reason: expect.stringMatching(/at least 12/) }));
  });
});
