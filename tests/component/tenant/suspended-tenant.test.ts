import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { createTenant, loginPlatformAdmin, registerTenantUser } from '../../support/tenants';

describe('a suspended tenant', () => {
  let t: TestApp;
  let platform: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp();
    platform = (await loginPlatformAdmin(t)).auth;
  });
  afterAll(() => t.close());

  const suspend = (id: string, status: 'suspended' | 'active') =>
    t.http().patch(`/api/v1/platform/tenants/${id}`).set(platform).send({ status });

  it('when a platform admin suspends a tenant, then every request with its tokens is refused 403 tenant_suspended, until it is active again', async () => {
    const tenant = await createTenant(t, platform);
    expect((await t.http().get('/api/v1/admin/tenant').set(tenant.admin.auth)).status).toBe(200);

    expect((await suspend(tenant.id, 'suspended')).status).toBe(200);
    for (const path of ['/api/v1/admin/tenant', '/api/v1/wallets', '/api/v1/tenant/branding']) {
      const res = await t.http().get(path).set(tenant.admin.auth);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('tenant_suspended');
    }
    const write = await t
      .http()
      .patch('/api/v1/admin/tenant/settings')
      .set(tenant.admin.auth)
      .send({ currencies: ['EUR'] });
    expect(write.status).toBe(403);
    expect(write.body.error.code).toBe('tenant_suspended');

    // The platform and the default tenant's users go on as before.
    expect((await t.http().get(`/api/v1/platform/tenants/${tenant.id}`).set(platform)).body.status).toBe('suspended');
    expect(
      (
        await t
          .http()
          .get('/api/v1/wallets')
          .set((await registerUser(t)).auth)
      ).status,
    ).toBe(200);

    expect((await suspend(tenant.id, 'active')).status).toBe(200);
    expect((await t.http().get('/api/v1/admin/tenant').set(tenant.admin.auth)).status).toBe(200);
  });

  it('when one tenant is suspended, then another tenant is not', async () => {
    const a = await createTenant(t, platform);
    const b = await createTenant(t, platform);
    await suspend(a.id, 'suspended');
    expect((await t.http().get('/api/v1/admin/tenant').set(a.admin.auth)).status).toBe(403);
    expect((await t.http().get('/api/v1/admin/tenant').set(b.admin.auth)).status).toBe(200);
  });

  it("when a tenant is suspended, then its users' refresh tokens, its API clients' and its agents' credentials get no new access token (403 tenant_suspended), and the refresh token still works once it is active again", async () => {
    const tenant = await createTenant(t, platform);
    const user = await registerTenantUser(t, tenant.id);
    const client = await t
      .http()
      .post('/api/v1/admin/api-clients')
      .set(tenant.admin.auth)
      .send({ name: 'svc', permissions: ['wallet:read'] });
    expect(client.status).toBe(201);
    const wallet = await t.http().post('/api/v1/wallets').set(user.auth).send({ currency: 'USD' });
    const agent = await t.http().post('/api/v1/agents').set(user.auth).send({ name: 'shopper', walletId: wallet.body.id, unlimited: true });
    expect(agent.status).toBe(201);
    const credentials = [
      { clientId: client.body.clientId, clientSecret: client.body.clientSecret },
      { clientId: agent.body.credentials.clientId, clientSecret: agent.body.credentials.clientSecret },
    ];

    expect((await suspend(tenant.id, 'suspended')).status).toBe(200);
    const refused = [
      await t.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken }),
      ...(await Promise.all(credentials.map((c) => t.http().post('/api/v1/auth/token').send(c)))),
    ];
    expect(refused.map((res) => [res.status, res.body.error?.code])).toEqual([
      [403, 'tenant_suspended'],
      [403, 'tenant_suspended'],
      [403, 'tenant_suspended'],
    ]);
    // A wrong secret is told nothing about the tenant.
    const wrong = await t
      .http()
      .post('/api/v1/auth/token')
      .send({ clientId: client.body.clientId, clientSecret: 'x'.repeat(40) });
    expect([wrong.status, wrong.body.error.code]).toEqual([401, 'invalid_client']);

    expect((await suspend(tenant.id, 'active')).status).toBe(200);
    expect((await t.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken })).status).toBe(200);
    for (const c of credentials) expect((await t.http().post('/api/v1/auth/token').send(c)).status).toBe(200);
  });
});
