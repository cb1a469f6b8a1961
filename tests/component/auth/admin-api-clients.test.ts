import { loginAdmin, registerUser, startTestApp, type TestApp } from '../../support/test-app';

describe('POST /api/v1/admin/api-clients', () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof loginAdmin>>;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
  });
  afterAll(() => t.close());

  const create = (auth: Record<string, string>, body: object) => t.http().post('/api/v1/admin/api-clients').set(auth).send(body);

  it('when a user calls it, then 403 forbidden naming the missing permission', async () => {
    const user = await registerUser(t);
    const res = await create(user.auth, { name: 'mine', permissions: ['wallet:read'] });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect(res.body.error.details).toEqual({ permission: 'admin:api-clients:write' });
  });

  it('when nobody is signed in, then 401', async () => {
    const res = await t.http().post('/api/v1/admin/api-clients').send({ name: 'x', permissions: [] });
    expect(res.status).toBe(401);
  });

  it('when the start-up admin calls it, then 201 with the client and its secret', async () => {
    const res = await create(admin.auth, { name: 'billing', permissions: ['wallet:read', 'wallet:read'] });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^cli_/),
      clientId: expect.any(String),
      clientSecret: expect.any(String),
      name: 'billing',
      permissions: ['wallet:read'],
    });
    expect(res.body.clientSecret.length).toBeGreaterThanOrEqual(32);
  });

  it('when the secret was shown once, then it is not in the logs', async () => {
    const res = await create(admin.auth, { name: 'quiet', permissions: [] });
    expect(res.status).toBe(201);
    expect(t.logs.text()).toContain(res.body.id);
    expect(t.logs.text()).not.toContain(res.body.clientSecret);
  });

  it.each([['admin:api-clients:write'], ['admin:users:write'], ['no-such-permission']])(
    'when %s is asked for, then 400 naming body.permissions',
    async (permission) => {
      const res = await create(admin.auth, { name: 'greedy', permissions: [permission] });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details.fields[0].field).toBe('body.permissions.0');
    },
  );

  it('when a user tries to revoke a client, then 403', async () => {
    const user = await registerUser(t);
    const created = await create(admin.auth, { name: 'keep', permissions: [] });
    const res = await t.http().delete(`/api/v1/admin/api-clients/${created.body.id}`).set(user.auth);
    expect(res.status).toBe(403);
  });

  it('when the client does not exist, then revoking answers 404', async () => {
    const res = await t.http().delete('/api/v1/admin/api-clients/cli_missing').set(admin.auth);
    expect(res.status).toBe(404);
  });
});
