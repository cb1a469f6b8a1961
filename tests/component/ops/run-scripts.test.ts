import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScript } from '../../support/run-script';

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
