import { inSystemScope, inTenant } from '../../../src/infra/tenant-scope';
import { auditRows, createOperator } from '../../support/admin';
import { loginAdmin, registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { createTenant, loginPlatformAdmin } from '../../support/tenants';

describe("a tenant's admins and their own tenant (/api/v1/admin/tenant)", () => {
  let t: TestApp;
  let platform: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp();
    platform = (await loginPlatformAdmin(t)).auth;
  });
  afterAll(() => t.close());

  it("when a tenant's admin reads its tenant, then it sees its own, not the default one", async () => {
    const tenant = await createTenant(t, platform, { name: 'Initech', hostnames: ['initech.example'], settings: { currencies: ['GBP'] } });
    const res = await t.http().get('/api/v1/admin/tenant').set(tenant.admin.auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: tenant.id,
      name: 'Initech',
      status: 'active',
      hostnames: ['initech.example'],
      settings: { currencies: ['GBP'] },
      credentialsSet: [],
    });
    const own = await t
      .http()
      .get('/api/v1/admin/tenant')
      .set((await loginAdmin(t)).auth);
    expect(own.body).toMatchObject({ id: 'ten_default', name: 'Default' });
  });

  it("when a tenant's admin patches its settings, then only its tenant changes, section by section, and the change is audited in its own log", async () => {
    const a = await createTenant(t, platform, { settings: { currencies: ['USD'], webhooks: { maxAttempts: 4 } } });
    const b = await createTenant(t, platform, { settings: { currencies: ['USD'] } });
    const res = await t
      .http()
      .patch('/api/v1/admin/tenant/settings')
      .set(a.admin.auth)
      .send({ currencies: ['EUR', 'JPY'], webhooks: null, branding: { name: 'A Pay' } });
    expect(res.status).toBe(200);
    expect(res.body.settings).toEqual({ currencies: ['EUR', 'JPY'], branding: { name: 'A Pay' } });
    const config = t.container.services.tenants.configuration;
    expect(await config.settingsOf(a.id)).toEqual({ currencies: ['EUR', 'JPY'], branding: { name: 'A Pay' } });
    expect(await config.settingsOf(b.id)).toEqual({ currencies: ['USD'] });
    expect(await config.settingsOf('ten_default')).toEqual({});
    const audit = await inSystemScope(() =>
      t.container.db.query<{ tenant_id: string; actor_id: string; outcome: string }>(
        "SELECT tenant_id, actor_id, outcome FROM admin_audit_log WHERE action = 'tenant.settings.update' AND target_id = $1",
        [a.id],
      ),
    );
    expect(audit.rows).toEqual([{ tenant_id: a.id, actor_id: a.admin.id, outcome: 'succeeded' }]);
  });

  it("when the tenant service is asked, inside one tenant, for another tenant's row, then row-level security hides it: not found, and nothing changes", async () => {
    const a = await createTenant(t, platform);
    const b = await createTenant(t, platform, { settings: { currencies: ['USD'] } });
    const own = t.container.services.tenants.own;
    await expect(inTenant(a.id, () => own.get(b.id))).rejects.toMatchObject({ code: 'tenant_not_found' });
    const ctx = { actorId: a.admin.id, requestId: 'req-rls', ip: '127.0.0.1' };
    await expect(inTenant(a.id, () => own.updateSettings(ctx, b.id, { currencies: ['EUR'] }))).rejects.toMatchObject({
      code: 'tenant_not_found',
    });
    expect(await t.container.services.tenants.configuration.settingsOf(b.id)).toEqual({ currencies: ['USD'] });
    // And the tenant's role may not add tenants at all.
    await expect(
      inTenant(a.id, () => t.container.db.query("INSERT INTO tenants (id, name) VALUES ('ten_rogue', 'Rogue')")),
    ).rejects.toThrow(/permission denied/);
  });

  it.each([
    ['the status', { status: 'suspended' }],
    ['the host names', { hostnames: ['evil.example'] }],
    ['the name', { name: 'Renamed' }],
    ['credentials', { stripeSecretKey: 'sk_x' }],
    ['an unknown section', { theme: 'dark' }],
    ['a bad colour', { branding: { name: 'A', primaryColor: '#12345' } }],
    // The controls set over a tenant are the platform's: its own admins cannot loosen them.
    ['its four-eyes limits', { fourEyes: { refundThresholdMinor: '100000000' } }],
    ['its rate limits', { rateLimits: { globalMax: 1_000_000 } }],
    ['its card processor', { payments: { processor: 'sandbox' } }],
    ['too many currencies', { currencies: Array(51).fill('USD') }],
  ])("when a tenant's admin sends %s, then 400 and nothing changes", async (_what, body) => {
    const tenant = await createTenant(t, platform);
    const res = await t.http().patch('/api/v1/admin/tenant/settings').set(tenant.admin.auth).send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    const after = await t.http().get(`/api/v1/platform/tenants/${tenant.id}`).set(platform);
    expect(after.body).toMatchObject({ name: 'Acme', status: 'active', hostnames: [], settings: {}, credentialsSet: [] });
  });

  it('when a narrower operator or a user calls the tenant routes, then 403 (an auditor may read)', async () => {
    const auditor = (await createOperator(t, 'auditor')).auth;
    const support = (await createOperator(t, 'support')).auth;
    const user = (await registerUser(t)).auth;
    expect((await t.http().get('/api/v1/admin/tenant').set(auditor)).status).toBe(200);
    for (const auth of [support, user]) expect((await t.http().get('/api/v1/admin/tenant').set(auth)).status).toBe(403);
    for (const auth of [auditor, support, user]) {
      const res = await t
        .http()
        .patch('/api/v1/admin/tenant/settings')
        .set(auth)
        .send({ currencies: ['EUR'] });
      expect(res.status).toBe(403);
    }
    expect(await t.container.services.tenants.configuration.settingsOf('ten_default')).toEqual({});
  });

  it('when the default tenant’s admin patches its settings, then the other tenants keep theirs', async () => {
    const other = await createTenant(t, platform, { settings: { currencies: ['CHF'] } });
    const res = await t
      .http()
      .patch('/api/v1/admin/tenant/settings')
      .set((await loginAdmin(t)).auth)
      .send({ branding: { name: 'OCP Bank' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'ten_default', settings: { branding: { name: 'OCP Bank' } } });
    expect(await t.container.services.tenants.configuration.settingsOf(other.id)).toEqual({ currencies: ['CHF'] });
    expect(await auditRows(t, { action: 'tenant.settings.update', targetId: 'ten_default' })).toHaveLength(1);
    // Back as it was, for the other tests of this file.
    await t
      .http()
      .patch('/api/v1/admin/tenant/settings')
      .set((await loginAdmin(t)).auth)
      .send({ branding: null });
  });
});
