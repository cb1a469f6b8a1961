import { startTwoInstances, type TwoInstances } from '../../support/two-instances';
import { createTenant, loginPlatformAdmin } from '../../support/tenants';

// Two OCP instances need a database and a cache both can reach: PostgreSQL and Redis only.
const onServers = process.env.DATABASE_URL && process.env.REDIS_URL ? describe : describe.skip;

onServers('tenant configuration cached on two instances', () => {
  let pair: TwoInstances;
  beforeAll(async () => {
    pair = await startTwoInstances();
  });
  afterAll(() => pair.close());

  it('when a tenant is changed through one instance, then the other stops serving its cached copy at once (Redis pub/sub), not after the TTL', async () => {
    const [first, second] = pair.instances as [TwoInstances['instances'][0], TwoInstances['instances'][0]];
    const platform = (await loginPlatformAdmin(pair.first)).auth;
    const tenant = await createTenant(pair.first, platform, { name: 'Cached Co' });
    // The second instance caches the tenant (its status and branding).
    expect((await second().get('/api/v1/tenant/branding').set(tenant.admin.auth)).body).toEqual({ name: 'Cached Co' });

    expect((await first().patch(`/api/v1/platform/tenants/${tenant.id}`).set(platform).send({ status: 'suspended' })).status).toBe(200);
    const deadline = Date.now() + 5_000;
    let status = 0;
    while (Date.now() < deadline) {
      status = (await second().get('/api/v1/admin/tenant').set(tenant.admin.auth)).status;
      if (status === 403) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe(403);

    expect(
      (await first().patch(`/api/v1/platform/tenants/${tenant.id}`).set(platform).send({ status: 'active', name: 'Renamed Co' })).status,
    ).toBe(200);
    let name = '';
    while (Date.now() < deadline + 5_000) {
      const res = await second().get('/api/v1/tenant/branding').set(tenant.admin.auth);
      name = res.body.name as string;
      if (res.status === 200 && name === 'Renamed Co') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(name).toBe('Renamed Co');
  });
});
