import { loginAdmin, startTestApp, type TestApp } from '../../support/test-app';
import { createTenant, loginPlatformAdmin } from '../../support/tenants';

describe('GET /api/v1/tenant/branding', () => {
  let t: TestApp;
  let platform: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp();
    platform = (await loginPlatformAdmin(t)).auth;
  });
  afterAll(() => t.close());

  it('when called without a token on the default host, then the default tenant’s name', async () => {
    const res = await t.http().get('/api/v1/tenant/branding');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ name: 'Default' });
  });

  it("when a tenant has branding, then its name, logo and colours; its token's tenant decides", async () => {
    const branding = { name: 'Hooli Pay', logoUrl: 'https://cdn.hooli.example/logo.svg', primaryColor: '#0a84ff', accentColor: '#FF9500' };
    const tenant = await createTenant(t, platform, { name: 'Hooli', settings: { branding } });
    const res = await t.http().get('/api/v1/tenant/branding').set(tenant.admin.auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(branding);
    expect(
      (
        await t
          .http()
          .get('/api/v1/tenant/branding')
          .set((await loginAdmin(t)).auth)
      ).body,
    ).toEqual({ name: 'Default' });
  });

  it("when a tenant's branding changes, then the next read shows it (the cache is dropped), and a tenant without a branding name shows its own", async () => {
    const tenant = await createTenant(t, platform, { name: 'Vandelay' });
    expect((await t.http().get('/api/v1/tenant/branding').set(tenant.admin.auth)).body).toEqual({ name: 'Vandelay' });
    await t
      .http()
      .patch('/api/v1/admin/tenant/settings')
      .set(tenant.admin.auth)
      .send({ branding: { name: 'Vandelay Industries', primaryColor: '#123456' } });
    expect((await t.http().get('/api/v1/tenant/branding').set(tenant.admin.auth)).body).toEqual({
      name: 'Vandelay Industries',
      primaryColor: '#123456',
    });
    await t
      .http()
      .patch(`/api/v1/platform/tenants/${tenant.id}`)
      .set(platform)
      .send({ name: 'Vandelay Imports', settings: { branding: null } });
    expect((await t.http().get('/api/v1/tenant/branding').set(tenant.admin.auth)).body).toEqual({ name: 'Vandelay Imports' });
  });
});
