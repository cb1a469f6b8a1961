import { registerUser, startTestApp, TEST_ADMIN, type TestApp } from '../../support/test-app';

describe('the initial admin from ADMIN_EMAIL / ADMIN_PASSWORD', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ ADMIN_EMAIL: '', ADMIN_PASSWORD: '' });
  });
  afterAll(() => t.close());

  /** The start-up step createContainer runs, as after a restart with new settings. */
  const ensureAdmin = (email: string) => t.container.services.auth.ensureInitialAdmin(email, TEST_ADMIN.password);
  const createClient = (accessToken: string) =>
    t.http().post('/api/v1/admin/api-clients').set('Authorization', `Bearer ${accessToken}`).send({ name: 'x', permissions: [] });

  it('when no admin is configured, then none exists', async () => {
    const res = await t.http().post('/api/v1/auth/login').send(TEST_ADMIN);
    expect(res.status).toBe(401);
  });

  it('when ADMIN_EMAIL is an ordinary user, then that user is not promoted and a warning says why', async () => {
    const user = await registerUser(t);
    expect(await ensureAdmin(user.email)).toBe(false);
    const warning = t.logs.entries.find((e) => e.level === 'warn' && e.email === user.email);
    expect(warning?.message).toMatch(/ADMIN_EMAIL belongs to an existing non-admin account/);
    const relogin = await t.http().post('/api/v1/auth/login').send({ email: user.email, password: 'correct-horse-battery' });
    expect((await createClient(relogin.body.accessToken)).status).toBe(403);
  });

  it('when ADMIN_EMAIL is new and no admin exists, then the admin is created and can use admin routes', async () => {
    expect(await ensureAdmin(TEST_ADMIN.email)).toBe(true);
    const login = await t.http().post('/api/v1/auth/login').send(TEST_ADMIN);
    expect(login.status).toBe(200);
    expect((await createClient(login.body.accessToken)).status).toBe(201);
  });

  it('when an admin already exists, then a second start-up creates nobody', async () => {
    expect(await ensureAdmin('second-admin@ocp.test')).toBe(false);
    const res = await t.http().post('/api/v1/auth/login').send({ email: 'second-admin@ocp.test', password: TEST_ADMIN.password });
    expect(res.status).toBe(401);
  });
});
