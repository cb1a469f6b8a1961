import { inSystemScope } from '../../../src/infra/tenant-scope';
import { startTestApp, type TestApp } from '../../support/test-app';

/**
 * The x402 facilitator's gas key is each tenant's own (docs/tenants.md, "Each tenant's own books"):
 * a tenant's merchants settle from a key its own operator funds, made on the tenant's first use.
 * No chain is asked here: /x402/supported names the key from the configuration and the vault.
 */
describe("the x402 facilitator's gas key per tenant", () => {
  let t: TestApp;
  const TENANT_G = 'ten_gas_g';
  const HOST_G = 'g.tenants.test';
  beforeAll(async () => {
    t = await startTestApp({
      WEB3_CHAINS: JSON.stringify({
        31337: { rpcUrl: 'http://127.0.0.1:9', confirmations: 1, tokens: { USDC: '0x5FbDB2315678afecb367f032d93F642f64180aa3' } },
      }),
      WEB3_WATCHER_INTERVAL_MS: '0',
    });
    await inSystemScope(async () => {
      await t.container.db.query("INSERT INTO tenants (id, name) VALUES ($1, 'G')", [TENANT_G]);
      await t.container.db.query('INSERT INTO tenant_hostnames (hostname, tenant_id) VALUES ($1, $2)', [HOST_G, TENANT_G]);
    });
  });
  afterAll(() => t.close());

  const signer = async (host?: string) => {
    const req = t.http().get('/x402/supported');
    const res = await (host ? req.set('Host', host) : req);
    expect(res.status).toBe(200);
    return res.body.signers['eip155:*'][0] as string;
  };

  it("when the default tenant's gas key exists, then another tenant's facilitator names a key of its own, and each keeps its own", async () => {
    const platformKey = await signer();
    const tenantKey = await signer(HOST_G);
    expect(tenantKey).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(tenantKey).not.toBe(platformKey);
    expect(await signer(HOST_G)).toBe(tenantKey);
    expect(await signer()).toBe(platformKey);
  });
});
