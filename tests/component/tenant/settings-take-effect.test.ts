import { createTenant, loginPlatformAdmin, registerTenantUser } from '../../support/tenants';
import { startTestApp, type TestApp } from '../../support/test-app';

/**
 * The settings a tenant's admin sets through the API act at once, through the container's own
 * TenantConfiguration (the tenants row, cached per instance): the wiring end to end, where the
 * per-setting tests use an in-memory configuration.
 */
describe("a tenant's settings act as soon as its admin changes them", () => {
  let t: TestApp;
  let platform: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_USER_MAX: '1000', RATE_LIMIT_WINDOW_MS: '60000' });
    platform = (await loginPlatformAdmin(t)).auth;
  });
  afterAll(() => t.close());

  const patchSettings = (auth: Record<string, string>, body: Record<string, unknown>) =>
    t.http().patch('/api/v1/admin/tenant/settings').set(auth).send(body);
  const openWallet = (auth: Record<string, string>, currency: string) => t.http().post('/api/v1/wallets').set(auth).send({ currency });

  it("when the admin narrows the currencies, then the tenant's next wallet in another one is refused, and widening them again lets it through", async () => {
    const tenant = await createTenant(t, platform);
    const user = await registerTenantUser(t, tenant.id);
    expect((await openWallet(user.auth, 'USD')).status).toBe(201);

    expect((await patchSettings(tenant.admin.auth, { currencies: ['EUR'] })).status).toBe(200);
    const refused = await openWallet(user.auth, 'USD');
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'currency_not_allowed', details: { allowed: ['EUR'] } });
    expect((await openWallet(user.auth, 'EUR')).status).toBe(201);

    expect((await patchSettings(tenant.admin.auth, { currencies: null })).status).toBe(200);
    expect((await openWallet(user.auth, 'USD')).status).toBe(201);
  });

  it("when the platform lowers a tenant's per-user budget, then its users are held to it at once", async () => {
    const tenant = await createTenant(t, platform);
    const user = await registerTenantUser(t, tenant.id);
    const lowered = await t
      .http()
      .patch(`/api/v1/platform/tenants/${tenant.id}`)
      .set(platform)
      .send({ settings: { rateLimits: { userMax: 2 } } });
    expect(lowered.status).toBe(200);
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await t.http().get('/api/v1/wallets').set(user.auth)).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});
