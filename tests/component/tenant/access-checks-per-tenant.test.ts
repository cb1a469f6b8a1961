import { MemoryCache } from '../../../src/infra/cache/memory-cache';
import { inSystemScope } from '../../../src/infra/tenant-scope';
import { LoginLocks } from '../../../src/modules/auth/login-locks';
import { TokenRevocations } from '../../../src/modules/auth/token-revocations';
import { SqlLockRecords, SqlRevocationRecords } from '../../../src/modules/auth/adapters/sql-access-records';
import { registerTenantUser } from '../../support/tenants';
import { startTestApp, type TestApp } from '../../support/test-app';

/** A memory cache that can stop answering the access markers' reads, as a cache outage would. */
class FlakyCache extends MemoryCache {
  down = false;
  override async get(key: string): Promise<string | null> {
    if (this.down && key.startsWith('auth:')) throw new Error('cache unavailable');
    return super.get(key);
  }
}

/**
 * Login locks and API-client revocations hold for every tenant's users and clients, also where the
 * markers come from the database (docs/tenants.md): at start-up, after a cache recovery, and while
 * the cache cannot answer. Those reads run outside the token's tenant unless they say which.
 */
describe('access checks of another tenant than the default', () => {
  let t: TestApp;
  const cache = new FlakyCache();
  const TENANT_E = 'ten_access_e';
  beforeAll(async () => {
    t = await startTestApp({}, { cache });
    await inSystemScope(() => t.container.db.query("INSERT INTO tenants (id, name) VALUES ($1, 'E')", [TENANT_E]));
  });
  afterEach(() => {
    cache.down = false;
  });
  afterAll(() => t.close());

  async function lockedUser() {
    const admin = await registerTenantUser(t, TENANT_E, 'admin');
    const user = await registerTenantUser(t, TENANT_E);
    const locked = await t.http().post(`/api/v1/admin/customers/${user.id}/lock`).set(admin.auth).send({ reason: 'review' });
    expect(locked.status).toBe(200);
    expect((await t.http().get('/api/v1/wallets').set(user.auth)).status).toBe(401);
    return user;
  }

  async function revokedClient() {
    const admin = await registerTenantUser(t, TENANT_E, 'admin');
    const created = await t
      .http()
      .post('/api/v1/admin/api-clients')
      .set(admin.auth)
      .send({ name: 'backend', permissions: ['wallet:read'] });
    expect(created.status).toBe(201);
    const token = await t
      .http()
      .post('/api/v1/auth/token')
      .send({ clientId: created.body.clientId, clientSecret: created.body.clientSecret });
    expect(token.status).toBe(200);
    const auth = { Authorization: `Bearer ${token.body.accessToken as string}` };
    expect(
      (
        await t
          .http()
          .delete(`/api/v1/admin/api-clients/${created.body.id as string}`)
          .set(admin.auth)
      ).status,
    ).toBe(204);
    expect((await t.http().get('/api/v1/wallets').set(auth)).status).toBe(401);
    return { id: created.body.id as string, auth };
  }

  it("when a tenant's locked user's marker is gone (a restart) and the locks are warmed as at start-up, then the user's token is still refused", async () => {
    const user = await lockedUser();
    await cache.delete(`auth:locked:${user.id}`);
    await new LoginLocks(cache, new SqlLockRecords(t.container.db), 60_000, t.container.logger).warm();
    expect((await t.http().get('/api/v1/wallets').set(user.auth)).status).toBe(401);
  });

  it("when a tenant's revoked API client's marker is gone (a restart) and the revocations are warmed as at start-up, then its token is still refused", async () => {
    const client = await revokedClient();
    await cache.delete(`auth:revoked-client:${client.id}`);
    await new TokenRevocations(cache, new SqlRevocationRecords(t.container.db), 60_000, t.container.logger).warm();
    expect((await t.http().get('/api/v1/wallets').set(client.auth)).status).toBe(401);
  });

  it("when the cache cannot answer, then a tenant's locked user is refused (the database answers in the user's tenant)", async () => {
    const user = await lockedUser();
    cache.down = true;
    expect((await t.http().get('/api/v1/wallets').set(user.auth)).status).toBe(401);
  });

  it("when the cache cannot answer, then a tenant's revoked API client is refused (the database answers in the client's tenant)", async () => {
    const client = await revokedClient();
    cache.down = true;
    expect((await t.http().get('/api/v1/wallets').set(client.auth)).status).toBe(401);
  });
});
