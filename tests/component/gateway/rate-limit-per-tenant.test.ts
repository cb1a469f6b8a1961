import { DEFAULT_TENANT_ID } from '../../../src/shared/tenant-settings';
import { cardData, TEST_CARDS } from '../../support/payments';
import { addTenants, MemoryTenantConfiguration, registerTenantUser, TENANT_B } from '../../support/tenants';
import { startTestApp, type TestApp } from '../../support/test-app';
import { startTwoInstances, type TwoInstances } from '../../support/two-instances';

/**
 * Each tenant's requests are counted apart (Redis across instances when REDIS_URL is set), against
 * the tenant's own budgets where it sets them (tenant settings rateLimits), else the environment's.
 */
describe('rate limits per tenant', () => {
  let t: TestApp;
  const tenants = new MemoryTenantConfiguration().set(TENANT_B, { rateLimits: { globalMax: 3 } });
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_GLOBAL_MAX: '5', RATE_LIMIT_WINDOW_MS: '60000' }, { tenants });
    await addTenants(t, TENANT_B);
  });
  afterAll(() => t.close());

  const listWallets = (auth: Record<string, string>) => t.http().get('/api/v1/wallets').set(auth);

  it("when tenant B uses up its own lower budget from one address, then B gets 429 and tenant A's requests from the same address are still served", async () => {
    const b = await registerTenantUser(t, TENANT_B);
    const a = await registerTenantUser(t, DEFAULT_TENANT_ID);

    const bStatuses = [];
    for (let i = 0; i < 4; i += 1) bStatuses.push((await listWallets(b.auth)).status);
    // B's globalMax (3), not the environment's 5.
    expect(bStatuses).toEqual([200, 200, 200, 429]);
    const limited = await listWallets(b.auth);
    expect(limited.status).toBe(429);
    expect(limited.headers['ratelimit-policy']).toBe('3;w=60');

    // A's counter for this address is its own: B's five requests spent none of A's five.
    const aStatuses = [];
    for (let i = 0; i < 5; i += 1) aStatuses.push((await listWallets(a.auth)).status);
    expect(aStatuses).toEqual([200, 200, 200, 200, 200]);
    const aLimited = await listWallets(a.auth);
    expect(aLimited.status).toBe(429);
    expect(aLimited.headers['ratelimit-policy']).toBe('5;w=60');
  });
});

describe('payment rate limit per tenant', () => {
  let t: TestApp;
  const tenants = new MemoryTenantConfiguration().set(TENANT_B, { rateLimits: { paymentMax: 2 } });
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PAYMENT_MAX: '4', RATE_LIMIT_WINDOW_MS: '60000' }, { tenants });
    await addTenants(t, TENANT_B);
  });
  afterAll(() => t.close());

  // A payment-limited route (POST /tokens).
  const createToken = (auth: Record<string, string>) =>
    t
      .http()
      .post('/api/v1/tokens')
      .set(auth)
      .send({ type: 'card', data: cardData(TEST_CARDS.approved) });

  it("when tenant B sets a lower payment budget, then B's user is held to it while a user of the default tenant keeps the environment's", async () => {
    const b = await registerTenantUser(t, TENANT_B);
    const a = await registerTenantUser(t, DEFAULT_TENANT_ID);
    const bStatuses = [];
    for (let i = 0; i < 3; i += 1) bStatuses.push((await createToken(b.auth)).status);
    expect(bStatuses).toEqual([201, 201, 429]);
    const aStatuses = [];
    for (let i = 0; i < 5; i += 1) aStatuses.push((await createToken(a.auth)).status);
    expect(aStatuses).toEqual([201, 201, 201, 201, 429]);
  });
});

// Two instances need a database and a Redis both reach: PostgreSQL and Redis only.
const onServers = process.env.DATABASE_URL && process.env.REDIS_URL ? describe : describe.skip;

onServers('rate limits per tenant across two instances on one Redis', () => {
  let pair: TwoInstances;
  const tenants = new MemoryTenantConfiguration().set(TENANT_B, { rateLimits: { userMax: 4 } });
  beforeAll(async () => {
    pair = await startTwoInstances({ RATE_LIMIT_USER_MAX: '1000', RATE_LIMIT_WINDOW_MS: '60000' }, { tenants });
    await addTenants(pair.first, TENANT_B);
  });
  afterAll(() => pair.close());

  it("when tenant B's user alternates between the instances, then its budget is counted once across both, and a default-tenant user is not limited by it", async () => {
    const b = await registerTenantUser(pair.first, TENANT_B);
    const a = await registerTenantUser(pair.first, DEFAULT_TENANT_ID);
    const statuses = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await pair.balanced.http().get('/api/v1/wallets').set(b.auth)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    for (let i = 0; i < 6; i += 1) expect((await pair.balanced.http().get('/api/v1/wallets').set(a.auth)).status).toBe(200);
  });
});
