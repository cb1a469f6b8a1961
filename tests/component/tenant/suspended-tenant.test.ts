import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { createTenant, loginPlatformAdmin } from '../../support/tenants';

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
});
