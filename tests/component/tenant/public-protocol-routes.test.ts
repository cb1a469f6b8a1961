import { inSystemScope } from '../../../src/infra/tenant-scope';
import { createMerchant } from '../../support/merchants';
import { registerAgent } from '../../support/agents';
import { addTenants, registerTenantUser } from '../../support/tenants';
import { startTestApp, type TestApp } from '../../support/test-app';

/**
 * UCP profiles and A2A agent cards advertise addresses under PUBLIC_BASE_URL whatever the tenant: a
 * request to one of them, without a token and on a host name that names no tenant, serves the tenant
 * of the merchant or agent it names (docs/tenants.md). A tenant's own host name stays its own.
 */
describe("another tenant's merchants and agents at the addresses they advertise", () => {
  let t: TestApp;
  const TENANT = 'ten_public_routes';
  beforeAll(async () => {
    t = await startTestApp();
    await addTenants(t, TENANT, 'ten_public_other');
    await inSystemScope(() =>
      t.container.db.query("INSERT INTO tenant_hostnames (hostname, tenant_id) VALUES ('other.tenants.test', 'ten_public_other')"),
    );
  });
  afterAll(() => t.close());

  it("when a tenant's merchant's advertised UCP endpoint is read on the public host, then its profile answers; on another tenant's host name it does not exist", async () => {
    const owner = await registerTenantUser(t, TENANT);
    const merchant = await createMerchant(t, owner);
    const path = `${new URL(merchant.ucpEndpoint).pathname}/.well-known/ucp`;

    const profile = await t.http().get(path);
    expect(profile.status).toBe(200);
    expect(JSON.stringify(profile.body)).toContain(merchant.id);

    const elsewhere = await t.http().get(path).set('Host', 'other.tenants.test');
    expect(elsewhere.status).toBe(404);
  });

  it("when a tenant's agent's card is read on the public host, then it answers with that agent", async () => {
    const owner = await registerTenantUser(t, TENANT);
    const agent = await registerAgent(t, { owner, walletId: await walletOf(owner.auth) });
    const card = await t.http().get(`/a2a/${agent.id}/.well-known/agent-card.json`);
    expect(card.status).toBe(200);
    expect(JSON.stringify(card.body)).toContain(agent.id);
  });

  async function walletOf(auth: Record<string, string>): Promise<string> {
    const res = await t.http().post('/api/v1/wallets').set(auth).send({ currency: 'USD' });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }
});
