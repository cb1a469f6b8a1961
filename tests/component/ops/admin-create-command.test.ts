import { loadConfig } from '../../../src/config/config';
import { createLogger } from '../../../src/infra/logger';
import { createAdmin, readAdminInput } from '../../../src/scripts/create-admin';
import { CapturedLogs, startTestApp, uniqueEmail, type TestApp } from '../../support/test-app';

const STRONG = 'Str0ng-admin-passw0rd';

describe('admin:create input', () => {
  const config = loadConfig({ ADMIN_EMAIL: 'env-admin@ocp.test', ADMIN_PASSWORD: 'env-admin-password' });

  it('when --email and --password are given, then they win over ADMIN_EMAIL / ADMIN_PASSWORD', () => {
    expect(readAdminInput(['--email', 'cli@ocp.test', '--password', STRONG], config)).toEqual({
      input: { email: 'cli@ocp.test', password: STRONG },
    });
  });

  it('when --platform is given, then a platform admin is asked for', () => {
    expect(readAdminInput(['--email', 'cli@ocp.test', '--password', STRONG, '--platform'], config)).toEqual({
      input: { email: 'cli@ocp.test', password: STRONG, platform: true },
    });
  });

  it('when no flags are given, then ADMIN_EMAIL and ADMIN_PASSWORD are used', () => {
    expect(readAdminInput([], config)).toEqual({ input: { email: 'env-admin@ocp.test', password: 'env-admin-password' } });
  });

  it('when neither flags nor settings give an email, then it says what to pass', () => {
    expect(readAdminInput(['--password', STRONG], loadConfig({}))).toEqual({
      problem: expect.stringContaining('--email'),
    });
  });

  it.each([
    ['too short', 'Sh0rt-pass', /at least 12 characters/],
    ['too repetitive', 'aaaaaaaaaaaaaaaa', /too repetitive/],
    ['too long', 'x'.repeat(64) + 'y'.repeat(65), /at most 128/],
    ['a common one', 'Administrator123', /commonly used password/],
  ])('when the password is %s, then it is refused', (_case, password, reason) => {
    const read = readAdminInput(['--email', 'cli@ocp.test', '--password', password], config);
    expect(read).toEqual({ problem: expect.stringMatching(reason) });
  });

  it('when the email is malformed or a flag is unknown, then it is refused', () => {
    expect(readAdminInput(['--email', 'root', '--password', STRONG], config)).toEqual({
      problem: expect.stringMatching(/email is not an email address/),
    });
    expect(readAdminInput(['--emial', 'x@ocp.test'], config)).toEqual({ problem: expect.stringMatching(/--emial/) });
  });
});

describe('admin:create against the database', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('when the email is new, then an admin is created who can use admin routes', async () => {
    const logs = new CapturedLogs();
    const email = uniqueEmail('admin');
    const code = await createAdmin(t.container.services.auth, { email, password: STRONG }, createLogger('info', [logs]));
    expect(code).toBe(0);
    expect(logs.entries).toContainEqual(expect.objectContaining({ message: 'admin created', email }));
    expect(logs.text()).not.toContain(STRONG);

    const login = await t.http().post('/api/v1/auth/login').send({ email, password: STRONG });
    expect(login.status).toBe(200);
    const created = await t
      .http()
      .post('/api/v1/admin/api-clients')
      .set({ Authorization: `Bearer ${login.body.accessToken}` })
      .send({ name: 'made by the new admin', permissions: [] });
    expect(created.status).toBe(201);
  });

  it('when the email already exists, then it says so and exits 1', async () => {
    const logs = new CapturedLogs();
    const email = uniqueEmail('admin');
    await createAdmin(t.container.services.auth, { email, password: STRONG }, createLogger('info', [logs]));
    const code = await createAdmin(t.container.services.auth, { email, password: STRONG }, createLogger('info', [logs]));
    expect(code).toBe(1);
    expect(logs.entries).toContainEqual(expect.objectContaining({ level: 'error', message: expect.stringMatching(/already exists/) }));
  });
});
