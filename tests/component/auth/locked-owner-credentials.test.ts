import { createOperator } from '../../support/admin';
import { a2aTransfer, registerAgent } from '../../support/agents';
import { balanceOf, createWallet } from '../../support/ledger';
import { createMerchant } from '../../support/merchants';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

/**
 * Found by a red-team pass. A lock is marked in the cache for as long as the tokens issued before it
 * live (JWT_ACCESS_TTL_SECONDS): enough for the locked user's own tokens, since a locked user gets no
 * new ones. But the owner's agents and merchant API clients did get new ones from POST /auth/token,
 * which never asked about the owner: once the marker expired, they worked again, and an agent paid,
 * while users.locked_at was still set. The exchange now asks the record itself.
 */
describe("a locked owner's agents and merchant API clients, once the lock marker has expired", () => {
  let t: TestApp;
  let support: Awaited<ReturnType<typeof createOperator>>;
  beforeAll(async () => {
    t = await startTestApp();
    support = await createOperator(t, 'support');
  });
  afterAll(() => t.close());

  async function lockLongAgo(userId: string) {
    expect((await t.http().post(`/api/v1/admin/customers/${userId}/lock`).set(support.auth).send({ reason: 'fraud' })).status).toBe(200);
    // The marker's time (JWT_ACCESS_TTL_SECONDS) has passed: it is gone, the lock is still recorded.
    await t.container.cache.delete(`auth:locked:${userId}`);
  }
  const exchange = (clientId: string, clientSecret: string) => t.http().post('/api/v1/auth/token').send({ clientId, clientSecret });

  it('when the agent asks for a token, then 401 account_locked, and it moves no money', async () => {
    const agent = await registerAgent(t, { funds: 1000 });
    const payee = await createWallet(t, await registerUser(t));
    await lockLongAgo(agent.owner.id);

    const exchanged = await exchange(agent.clientId, agent.clientSecret);
    expect(exchanged.status).toBe(401);
    expect(exchanged.body.error.code).toBe('account_locked');
    const auth = { Authorization: `Bearer ${exchanged.body.accessToken}` };
    expect((await a2aTransfer(t, { ...agent, auth }, { to: { walletId: payee.id }, amount: '300', currency: 'USD' })).status).toBe(401);
    expect(await balanceOf(t, agent.walletId)).toBe(1000n);
    expect(await balanceOf(t, payee.id)).toBe(0n);
  });

  it("when the merchant's API client asks for a token, then 401 account_locked", async () => {
    const owner = await registerUser(t);
    const merchant = await createMerchant(t, owner);
    const client = await t.http().post(`/api/v1/merchants/${merchant.id}/api-clients`).set(owner.auth).send({ name: 'shop server' });
    expect(client.status).toBe(201);
    await lockLongAgo(owner.id);

    const exchanged = await exchange(client.body.clientId, client.body.clientSecret);
    expect(exchanged.status).toBe(401);
    expect(exchanged.body.error.code).toBe('account_locked');
  });
});
