import { startTestApp, type TestApp } from '../../support/test-app';
import { createTenant, loginPlatformAdmin, TENANT_ADMIN_PASSWORD } from '../../support/tenants';

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

describe("a tenant's host names", () => {
  let t: TestApp;
  let platform: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp();
    platform = (await loginPlatformAdmin(t)).auth;
  });
  afterAll(() => t.close());

  it("when the first admin signs in on the tenant's host name, then the token is the tenant's and reaches its settings", async () => {
    const tenant = await createTenant(t, platform, { name: 'Stark Pay', hostnames: ['pay.stark.example'] });
    const login = await t
      .http()
      .post('/api/v1/auth/login')
      .set('Host', 'pay.stark.example')
      .send({ email: tenant.admin.email, password: TENANT_ADMIN_PASSWORD });
    expect(login.status).toBe(200);
    expect(claimsOf(login.body.accessToken)).toMatchObject({ sub: tenant.admin.id, tid: tenant.id });
    const own = await t.http().get('/api/v1/admin/tenant').set('Authorization', `Bearer ${login.body.accessToken}`);
    expect(own.body).toMatchObject({ id: tenant.id, name: 'Stark Pay' });
    // On the default host the same email and password are nobody's.
    const elsewhere = await t.http().post('/api/v1/auth/login').send({ email: tenant.admin.email, password: TENANT_ADMIN_PASSWORD });
    expect(elsewhere.status).toBe(401);
  });

  it("when the branding is asked on the tenant's host name without a token, then it is that tenant's", async () => {
    await createTenant(t, platform, {
      name: 'Wayne Pay',
      hostnames: ['wayne.example'],
      settings: { branding: { name: 'Wayne', accentColor: '#000000' } },
    });
    expect((await t.http().get('/api/v1/tenant/branding').set('Host', 'WAYNE.example:443')).body).toEqual({
      name: 'Wayne',
      accentColor: '#000000',
    });
    expect((await t.http().get('/api/v1/tenant/branding').set('Host', 'unknown.example')).body).toEqual({ name: 'Default' });
  });

  it("when a tenant is suspended, then its host name's public routes are refused too, and a host name moved to another tenant serves that one", async () => {
    const tenant = await createTenant(t, platform, { name: 'Oscorp', hostnames: ['oscorp.example'] });
    await t.http().patch(`/api/v1/platform/tenants/${tenant.id}`).set(platform).send({ status: 'suspended' });
    for (const res of [
      await t.http().get('/api/v1/tenant/branding').set('Host', 'oscorp.example'),
      await t
        .http()
        .post('/api/v1/auth/login')
        .set('Host', 'oscorp.example')
        .send({ email: tenant.admin.email, password: TENANT_ADMIN_PASSWORD }),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('tenant_suspended');
    }
    await t.http().patch(`/api/v1/platform/tenants/${tenant.id}`).set(platform).send({ hostnames: [] });
    const other = await createTenant(t, platform, { name: 'Norman', hostnames: ['oscorp.example'] });
    expect(other.body.tenant.hostnames).toEqual(['oscorp.example']);
    expect((await t.http().get('/api/v1/tenant/branding').set('Host', 'oscorp.example')).body).toEqual({ name: 'Norman' });
  });
});
