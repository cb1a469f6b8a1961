import { inSystemScope } from '../../../src/infra/tenant-scope';
import { ADMIN_ROLE_PERMISSIONS } from '../../../src/modules/auth/permissions';
import { auditRows, createOperator } from '../../support/admin';
import { loginAdmin, registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { createTenant, loginPlatformAdmin, tokenFor } from '../../support/tenants';

describe('platform administration of tenants (/api/v1/platform/tenants)', () => {
  let t: TestApp;
  let platform: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp();
    platform = (await loginPlatformAdmin(t)).auth;
  });
  afterAll(() => t.close());

  it('when a platform admin creates a tenant with host names, settings and a first admin, then all are stored and the admin belongs to the new tenant', async () => {
    const res = await t
      .http()
      .post('/api/v1/platform/tenants')
      .set(platform)
      .send({
        name: 'Globex',
        hostnames: ['Pay.Globex.example'],
        settings: { currencies: ['EUR'], fourEyes: { refundThresholdMinor: '50000' } },
        admin: { email: 'owner@globex.example', password: 'globex-admin-password-1' },
      });
    expect(res.status).toBe(201);
    expect(res.body.tenant).toMatchObject({
      id: expect.stringMatching(/^ten_[0-9a-f]{16}$/),
      name: 'Globex',
      status: 'active',
      hostnames: ['pay.globex.example'],
      settings: { currencies: ['EUR'], fourEyes: { refundThresholdMinor: '50000' } },
      credentialsSet: [],
    });
    expect(res.body.admin).toEqual({ id: expect.stringMatching(/^usr_/), email: 'owner@globex.example' });
    const { rows } = await inSystemScope(() =>
      t.container.db.query<{ tenant_id: string; role: string; admin_role: string }>(
        'SELECT tenant_id, role, admin_role FROM users WHERE id = $1',
        [res.body.admin.id],
      ),
    );
    expect(rows).toEqual([{ tenant_id: res.body.tenant.id, role: 'admin', admin_role: 'admin' }]);
    // The platform admin's action is in the default tenant's audit log.
    const audit = await auditRows(t, { action: 'tenant.create', targetId: res.body.tenant.id });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ outcome: 'succeeded', actor_role: 'platform_admin', tenant_id: 'ten_default' });
  });

  it('when a platform admin lists and reads tenants, then the default tenant and the new ones are there, newest first, a page at a time', async () => {
    const a = await createTenant(t, platform, { name: 'List A' });
    const b = await createTenant(t, platform, { name: 'List B' });
    const first = await t.http().get('/api/v1/platform/tenants?limit=1').set(platform);
    expect(first.status).toBe(200);
    expect(first.body.data.map((x: { id: string }) => x.id)).toEqual([b.id]);
    const second = await t.http().get(`/api/v1/platform/tenants?limit=100&cursor=${first.body.nextCursor}`).set(platform);
    const ids = second.body.data.map((x: { id: string }) => x.id);
    expect(ids[0]).toBe(a.id);
    expect(ids).toContain('ten_default');
    const one = await t.http().get(`/api/v1/platform/tenants/${a.id}`).set(platform);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: a.id, name: 'List A', status: 'active' });
    expect((await t.http().get('/api/v1/platform/tenants/ten_nothere').set(platform)).body.error.code).toBe('tenant_not_found');
  });

  it('when a platform admin patches a tenant, then name, status, hostnames and the sections given change, and the rest stays', async () => {
    const tenant = await createTenant(t, platform, { settings: { currencies: ['USD'], webhooks: { maxAttempts: 3 } } });
    const res = await t
      .http()
      .patch(`/api/v1/platform/tenants/${tenant.id}`)
      .set(platform)
      .send({
        name: 'Acme Renamed',
        hostnames: ['acme.example', 'www.acme.example'],
        settings: { webhooks: null, branding: { name: 'ACME' } },
      });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: 'Acme Renamed',
      hostnames: ['acme.example', 'www.acme.example'],
      settings: { currencies: ['USD'], branding: { name: 'ACME' } },
    });
    expect(res.body.settings.webhooks).toBeUndefined();
    expect(await t.container.services.tenants.configuration.tenantOfHost('www.acme.example')).toBe(tenant.id);
    const [audit] = await auditRows(t, { action: 'tenant.update', targetId: tenant.id });
    expect(audit).toMatchObject({
      before: expect.objectContaining({ name: 'Acme' }),
      after: expect.objectContaining({ name: 'Acme Renamed' }),
    });
  });

  it('when a host name is already another tenant’s, then 409 hostname_taken and nothing changes', async () => {
    const owner = await createTenant(t, platform, { hostnames: ['taken.example'] });
    const other = await createTenant(t, platform);
    const res = await t
      .http()
      .patch(`/api/v1/platform/tenants/${other.id}`)
      .set(platform)
      .send({ name: 'X', hostnames: ['taken.example'] });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'hostname_taken', details: { hostname: 'taken.example' } });
    expect((await t.http().get(`/api/v1/platform/tenants/${other.id}`).set(platform)).body.name).toBe('Acme');
    const create = await t
      .http()
      .post('/api/v1/platform/tenants')
      .set(platform)
      .send({ name: 'Y', hostnames: ['taken.example'] });
    expect(create.status).toBe(409);
    expect(await t.container.services.tenants.configuration.tenantOfHost('taken.example')).toBe(owner.id);
    expect(await auditRows(t, { action: 'tenant.update', targetId: other.id })).toMatchObject([
      { outcome: 'refused', error_code: 'hostname_taken' },
    ]);
  });

  it("when a tenant is given the platform's own host name (PUBLIC_BASE_URL's), then 409 hostname_taken and the platform's pages stay the default tenant's", async () => {
    const platformHost = new URL(t.config.PUBLIC_BASE_URL).hostname;
    const create = await t
      .http()
      .post('/api/v1/platform/tenants')
      .set(platform)
      .send({ name: 'Squatter', hostnames: [platformHost] });
    expect(create.status).toBe(409);
    expect(create.body.error).toMatchObject({ code: 'hostname_taken', details: { hostname: platformHost } });
    const tenant = await createTenant(t, platform);
    const update = await t
      .http()
      .patch(`/api/v1/platform/tenants/${tenant.id}`)
      .set(platform)
      .send({ hostnames: ['pay.squatter.example', platformHost.toUpperCase()] });
    expect(update.status).toBe(409);
    expect(await t.container.services.tenants.configuration.tenantOfHost(platformHost)).toBeUndefined();
    expect((await t.http().get(`/api/v1/platform/tenants/${tenant.id}`).set(platform)).body.hostnames).toEqual([]);
  });

  it.each([
    ['an unknown settings section', { settings: { colour: 'red' } }],
    ['a rate limit that is not a number', { settings: { rateLimits: { globalMax: 'lots' } } }],
    ['an unsupported currency', { settings: { currencies: ['XXX1'] } }],
    ['a logo over http', { settings: { branding: { name: 'A', logoUrl: 'http://acme.example/logo.png' } } }],
    ['a colour that is not hex', { settings: { branding: { name: 'A', primaryColor: 'red' } } }],
    ['a threshold that is a bare number', { settings: { fourEyes: { refundThresholdMinor: 5 } } }],
    ['a host name with a port', { hostnames: ['acme.example:8080'] }],
    ['a host name twice', { hostnames: ['a.example', 'a.example'] }],
    ['an unknown status', { status: 'deleted' }],
    ['nothing at all', {}],
  ])('when a patch has %s, then 400 and the tenant is unchanged', async (_what, body) => {
    const tenant = await createTenant(t, platform);
    const res = await t.http().patch(`/api/v1/platform/tenants/${tenant.id}`).set(platform).send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect((await t.http().get(`/api/v1/platform/tenants/${tenant.id}`).set(platform)).body).toMatchObject({ settings: {}, hostnames: [] });
  });

  it('when a tenant is created with a weak first-admin password, then 400 and no tenant is created', async () => {
    const before = (await t.http().get('/api/v1/platform/tenants?limit=100').set(platform)).body.data.length;
    const res = await t
      .http()
      .post('/api/v1/platform/tenants')
      .set(platform)
      .send({ name: 'Weak', admin: { email: 'w@weak.example', password: 'QWERTYuiop123' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('password_too_common');
    expect((await t.http().get('/api/v1/platform/tenants?limit=100').set(platform)).body.data.length).toBe(before);
  });

  it('when the default tenant would be suspended, then 409: the platform admins belong to it', async () => {
    const res = await t.http().patch('/api/v1/platform/tenants/ten_default').set(platform).send({ status: 'suspended' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('default_tenant_not_suspendable');
  });

  describe('who may reach the platform routes', () => {
    const routes = [
      ['get', '/api/v1/platform/tenants'],
      ['post', '/api/v1/platform/tenants'],
      ['get', '/api/v1/platform/tenants/ten_default'],
      ['patch', '/api/v1/platform/tenants/ten_default'],
      ['put', '/api/v1/platform/tenants/ten_default/credentials'],
    ] as const;

    it.each(routes)(
      'when the default tenant’s own admin, a narrower operator, a user or another tenant’s admin calls %s %s, then 403',
      async (method, path) => {
        const tenant = await createTenant(t, platform);
        const callers = [
          (await loginAdmin(t)).auth,
          (await createOperator(t, 'auditor')).auth,
          (await registerUser(t)).auth,
          tenant.admin.auth,
        ];
        for (const auth of callers) {
          const res = await t.http()[method](path).set(auth).send({ name: 'Nope' });
          expect(res.status).toBe(403);
          expect(res.body.error.code).toBe('forbidden');
        }
        expect(await auditRows(t, { action: 'tenant.create', targetId: 'ten_default' })).toEqual([]);
      },
    );

    it('when a token of another tenant carries the platform permissions, then 403 all the same', async () => {
      const tenant = await createTenant(t, platform);
      const forged = tokenFor(t, {
        id: tenant.admin.id,
        tenantId: tenant.id,
        role: 'admin',
        permissions: ADMIN_ROLE_PERMISSIONS.platform_admin,
      });
      const res = await t.http().get('/api/v1/platform/tenants').set(forged);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    });

    it('when a tenant’s admin tries to make an operator with the platform_admin role, then 400: the API never grants it', async () => {
      const res = await t
        .http()
        .post('/api/v1/admin/users')
        .set((await loginAdmin(t)).auth)
        .send({ email: 'climber@example.com', password: 'operator-password-42', role: 'platform_admin' });
      expect(res.status).toBe(400);
    });

    it('when a platform admin would be stored in another tenant, then the database refuses it', async () => {
      const tenant = await createTenant(t, platform);
      await expect(
        inSystemScope(() => t.container.db.query("UPDATE users SET admin_role = 'platform_admin' WHERE id = $1", [tenant.admin.id])),
      ).rejects.toThrow(/users_platform_admin_in_default_tenant/);
    });
  });
});
