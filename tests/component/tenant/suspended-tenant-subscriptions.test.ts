import { createWallet } from '../../support/ledger';
import { createTenant, loginPlatformAdmin, registerTenantUser } from '../../support/tenants';
import { startTestApp, type TestApp } from '../../support/test-app';
import { collect, listenWithSubscriptions, sleep, wsClient, type Listening } from '../graphql/support';

const BALANCES = 'subscription($w: ID!) { balanceChanged(walletId: $w) { walletId balance } }';
/** A subscription still open after this long was not refused. */
const REFUSED_WITHIN_MS = 2_000;

const settled = <T>(promise: Promise<T>) => Promise.race([promise, sleep(REFUSED_WITHIN_MS).then(() => 'still open' as const)]);

/**
 * A suspended tenant's tokens are refused on the GraphQL WebSocket too (docs/tenants.md): the socket
 * is no Express request, so the HTTP guard never sees it; its token check says so instead.
 */
describe('a suspended tenant and GraphQL subscriptions', () => {
  let t: TestApp;
  let http: Listening;
  let platform: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp({ GRAPHQL_AUTH_RECHECK_MS: '100' });
    http = await listenWithSubscriptions(t);
    platform = (await loginPlatformAdmin(t)).auth;
  });
  afterAll(async () => {
    await http.close();
    await t.close();
  });

  const suspend = async (id: string) =>
    expect((await t.http().patch(`/api/v1/platform/tenants/${id}`).set(platform).send({ status: 'suspended' })).status).toBe(200);

  async function tenantUser() {
    const tenant = await createTenant(t, platform);
    const user = await registerTenantUser(t, tenant.id);
    const wallet = await createWallet(t, user);
    return { tenant, user, wallet };
  }

  it("when a tenant is suspended, then a socket with its user's token is closed with 4403", async () => {
    const { tenant, user, wallet } = await tenantUser();
    await suspend(tenant.id);
    const closes: number[] = [];
    const client = wsClient(http.wsUrl, user.accessToken, (e) => closes.push(e.code));
    try {
      const outcome = await settled(collect(client, BALANCES, { w: wallet.id }).done);
      expect(outcome).toEqual({ results: [], error: expect.anything() });
      expect(closes).toContain(4403);
    } finally {
      await client.dispose();
    }
  });

  it("when a tenant is suspended while its user's subscription is open, then the socket is closed with 4403", async () => {
    const { tenant, user, wallet } = await tenantUser();
    const closes: number[] = [];
    const client = wsClient(http.wsUrl, user.accessToken, (e) => closes.push(e.code));
    try {
      const sub = collect(client, BALANCES, { w: wallet.id });
      await sleep(150);
      expect(t.container.graphqlSubscriptions.connections).toBeGreaterThan(0);
      await suspend(tenant.id);
      expect(await settled(sub.done)).toEqual({ results: [], error: expect.anything() });
      expect(closes).toEqual([4403]);
    } finally {
      await client.dispose();
    }
  });
});
