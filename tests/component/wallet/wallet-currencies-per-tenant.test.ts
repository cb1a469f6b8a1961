import { inSystemScope } from '../../../src/infra/tenant-scope';
import { DEFAULT_TENANT_ID } from '../../../src/shared/tenant-settings';
import { addTenants, MemoryTenantConfiguration, registerTenantUser, TENANT_B } from '../../support/tenants';
import { startTestApp, type TestApp } from '../../support/test-app';

/** A tenant's currencies setting: the only ones its users may open wallets in; absent, every supported one. */
describe('wallet currencies per tenant', () => {
  let t: TestApp;
  const tenants = new MemoryTenantConfiguration().set(TENANT_B, { currencies: ['EUR', 'GBP'] });
  beforeAll(async () => {
    t = await startTestApp({}, { tenants });
    await addTenants(t, TENANT_B);
  });
  afterAll(() => t.close());

  const openWallet = (auth: Record<string, string>, currency: string) => t.http().post('/api/v1/wallets').set(auth).send({ currency });
  const walletCount = async (auth: Record<string, string>) => (await t.http().get('/api/v1/wallets').set(auth)).body.data.length as number;

  it("when a user of tenant B opens a wallet in a currency outside B's list, then 422 currency_not_allowed naming the allowed ones, and nothing is created", async () => {
    const b = await registerTenantUser(t, TENANT_B);
    const res = await openWallet(b.auth, 'USD');
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('currency_not_allowed');
    expect(res.body.error.details).toEqual({ currency: 'USD', allowed: ['EUR', 'GBP'] });
    expect(await walletCount(b.auth)).toBe(0);
    // Across every tenant (the owner's view), so a row in the wrong tenant would count too.
    const { rows } = await inSystemScope(() =>
      t.container.db.query<{ n: string }>('SELECT count(*) AS n FROM wallets WHERE user_id = $1', [b.id]),
    );
    expect(Number(rows[0]!.n)).toBe(0);
  });

  it("when a user of tenant B opens a wallet in one of B's currencies, then it is created", async () => {
    const b = await registerTenantUser(t, TENANT_B);
    const res = await openWallet(b.auth, 'GBP');
    expect(res.status).toBe(201);
    expect(res.body.currency).toBe('GBP');
    expect(await walletCount(b.auth)).toBe(1);
  });

  it('when a user of the default tenant, which sets no currencies, opens wallets in any supported currency, then each is created', async () => {
    const a = await registerTenantUser(t, DEFAULT_TENANT_ID);
    for (const currency of ['USD', 'JPY', 'KWD']) expect((await openWallet(a.auth, currency)).status).toBe(201);
  });

  it('when a user of tenant B registers an agent with a new wallet in a currency B does not allow, then 422 and neither wallet nor agent exists', async () => {
    const b = await registerTenantUser(t, TENANT_B);
    const res = await t
      .http()
      .post('/api/v1/agents')
      .set(b.auth)
      .send({ name: 'shopper', createWallet: { currency: 'USD' }, unlimited: true });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('currency_not_allowed');
    expect(await walletCount(b.auth)).toBe(0);
    const { rows } = await inSystemScope(() =>
      t.container.db.query<{ n: string }>('SELECT count(*) AS n FROM agents WHERE owner_id = $1', [b.id]),
    );
    expect(Number(rows[0]!.n)).toBe(0);
  });
});
