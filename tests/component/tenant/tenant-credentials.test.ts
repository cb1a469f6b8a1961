import { Encryptor } from '../../../src/infra/crypto/envelope';
import { rotateKeys } from '../../../src/infra/crypto/reencrypt';
import { inSystemScope } from '../../../src/infra/tenant-scope';
import { auditRows } from '../../support/admin';
import { startTestApp, type TestApp } from '../../support/test-app';
import { createTenant, loginPlatformAdmin } from '../../support/tenants';

const OLD = { id: 'old', key: Buffer.alloc(32, 11) };
const NEW = { id: 'new', key: Buffer.alloc(32, 22) };
const SECRET = 'sk_test_tenant_secret_7f3a9c1e';

describe('PUT /api/v1/platform/tenants/:id/credentials', () => {
  let t: TestApp;
  let platform: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp({ ENCRYPTION_KEYS: `${OLD.id}:${OLD.key.toString('base64')}` });
    platform = (await loginPlatformAdmin(t)).auth;
  });
  afterAll(() => t.close());

  const stored = async (id: string) =>
    (
      await inSystemScope(() =>
        t.container.db.query<{ provider_credentials: string | null }>('SELECT provider_credentials FROM tenants WHERE id = $1', [id]),
      )
    ).rows[0]!.provider_credentials;

  it('when a platform admin sets credentials, then they are stored encrypted, read back by the configuration, and no answer, audit row or log line holds them', async () => {
    const tenant = await createTenant(t, platform);
    const answers = [];
    const put = await t.http().put(`/api/v1/platform/tenants/${tenant.id}/credentials`).set(platform).send({ stripeSecretKey: SECRET });
    expect(put.status).toBe(200);
    expect(put.body.credentialsSet).toEqual(['stripeSecretKey']);
    answers.push(put);
    answers.push(await t.http().get(`/api/v1/platform/tenants/${tenant.id}`).set(platform));
    answers.push(await t.http().get('/api/v1/platform/tenants?limit=100').set(platform));
    answers.push(await t.http().get('/api/v1/admin/tenant').set(tenant.admin.auth));
    answers.push(
      await t
        .http()
        .patch('/api/v1/admin/tenant/settings')
        .set(tenant.admin.auth)
        .send({ branding: { name: 'Acme Pay' } }),
    );
    answers.push(await t.http().get('/api/v1/tenant/branding').set(tenant.admin.auth));
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(JSON.stringify(answer.body)).not.toContain(SECRET);
    }
    expect(answers[1]!.body.credentialsSet).toEqual(['stripeSecretKey']);
    expect(answers[3]!.body.credentialsSet).toEqual(['stripeSecretKey']);

    const envelope = await stored(tenant.id);
    expect(envelope).toMatch(/^v1\.old\./);
    expect(envelope).not.toContain(SECRET);
    expect(await t.container.services.tenants.configuration.credentialsOf(tenant.id)).toEqual({ stripeSecretKey: SECRET });
    expect(JSON.stringify(await auditRows(t, { targetId: tenant.id }))).not.toContain(SECRET);
    expect(await auditRows(t, { action: 'tenant.credentials.set', targetId: tenant.id })).toMatchObject([
      { outcome: 'succeeded', after: { credentialNames: ['stripeSecretKey'] } },
    ]);
    expect(t.logs.text()).not.toContain(SECRET);
  });

  it('when an envelope is copied onto another tenant, then it does not open there', async () => {
    const a = await createTenant(t, platform);
    const b = await createTenant(t, platform);
    await t.http().put(`/api/v1/platform/tenants/${a.id}/credentials`).set(platform).send({ stripeSecretKey: SECRET });
    await inSystemScope(() =>
      t.container.db.query(
        'UPDATE tenants SET provider_credentials = (SELECT provider_credentials FROM tenants WHERE id = $1) WHERE id = $2',
        [a.id, b.id],
      ),
    );
    await expect(t.container.services.tenants.configuration.credentialsOf(b.id)).rejects.toThrow();
  });

  it('when credentials are replaced by an empty set, then none are left', async () => {
    const tenant = await createTenant(t, platform);
    await t.http().put(`/api/v1/platform/tenants/${tenant.id}/credentials`).set(platform).send({ stripeSecretKey: SECRET });
    const cleared = await t.http().put(`/api/v1/platform/tenants/${tenant.id}/credentials`).set(platform).send({});
    expect(cleared.status).toBe(200);
    expect(cleared.body.credentialsSet).toEqual([]);
    expect(await stored(tenant.id)).toBeNull();
    expect(await t.container.services.tenants.configuration.credentialsOf(tenant.id)).toEqual({});
  });

  it.each([
    ['an unknown credential', { paypalSecret: SECRET }],
    ['a key that is too long', { stripeSecretKey: SECRET.repeat(20) }],
    ['an empty key', { stripeSecretKey: '' }],
    ['a key that is not a string', { stripeSecretKey: 42 }],
  ])('when the body has %s, then 400 and the secret in it is neither echoed nor logged', async (_what, body) => {
    const tenant = await createTenant(t, platform);
    const res = await t.http().put(`/api/v1/platform/tenants/${tenant.id}/credentials`).set(platform).send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
    expect(t.logs.text()).not.toContain(SECRET);
    expect(await stored(tenant.id)).toBeNull();
  });

  it('when the tenant does not exist, then 404 tenant_not_found', async () => {
    const res = await t.http().put('/api/v1/platform/tenants/ten_nothere/credentials').set(platform).send({ stripeSecretKey: SECRET });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('tenant_not_found');
  });

  it('when the keys are rotated, then the credentials are re-encrypted under the new key and still read', async () => {
    const tenant = await createTenant(t, platform);
    await t.http().put(`/api/v1/platform/tenants/${tenant.id}/credentials`).set(platform).send({ stripeSecretKey: SECRET });
    const results = await rotateKeys(t.container.db, new Encryptor([NEW, OLD]));
    expect(results.find((r) => r.table === 'tenants')).toMatchObject({ rotated: expect.any(Number), failed: expect.any(Number) });
    const envelope = await stored(tenant.id);
    expect(envelope).toMatch(/^v1\.new\./);
    expect(new Encryptor([NEW]).decrypt(envelope!, tenant.id).toString()).toContain(SECRET);
  });
});
