import { randomUUID } from 'node:crypto';
import { createWallet, fund, transfer } from '../../support/ledger';
import { createCardToken, fundWithCard } from '../../support/payments';
import { createMobilePayFixtures } from '../../support/mobile-pay-config';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

describe('payment endpoints rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ ...(await createMobilePayFixtures()).env, RATE_LIMIT_PAYMENT_MAX: '3' });
  });
  afterAll(() => t.close());

  it('when a caller passes the payment limit across Apple Pay and Google Pay, then 429, and another caller is unaffected', async () => {
    const user = await registerUser(t);
    const wallet = await createWallet(t, user);
    const body = { walletId: wallet.id, amount: '100', currency: 'USD' };
    const paths = ['apple-pay/init', 'google-pay/init', 'apple-pay/init', 'google-pay/init'];
    const statuses = [];
    for (const path of paths) statuses.push((await t.http().post(`/api/v1/payment/${path}`).set(user.auth).send(body)).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
    const other = await registerUser(t);
    const otherWallet = await createWallet(t, other);
    const res = await t
      .http()
      .post('/api/v1/payment/apple-pay/init')
      .set(other.auth)
      .send({ ...body, walletId: otherWallet.id });
    expect(res.status).toBe(201);
  });

  it('when a caller replays a stored card funding past the payment limit, then every replay is served and spends no quota', async () => {
    const user = await registerUser(t);
    const wallet = await createWallet(t, user);
    const token = await createCardToken(t, user.auth); // 1 of 3
    const body = { tokenId: token.id, amount: '500' };
    const key = randomUUID();
    const first = await fundWithCard(t, user.auth, wallet.id, body, key); // 2 of 3
    expect(first.status).toBe(201);
    for (let i = 0; i < 4; i += 1) {
      const again = await fundWithCard(t, user.auth, wallet.id, body, key);
      expect(again.status).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
    }
    expect((await fundWithCard(t, user.auth, wallet.id, body)).status).toBe(201); // 3 of 3
    expect((await fundWithCard(t, user.auth, wallet.id, body)).status).toBe(429);
  });

  it('when a caller makes more plain wallet transfers than the payment limit, then none is refused by it', async () => {
    const user = await registerUser(t);
    const from = await createWallet(t, user);
    const to = await createWallet(t, user);
    await fund(t, from.id, 1_000);
    const statuses = [];
    for (let i = 0; i < 5; i += 1)
      statuses.push((await transfer(t, user, { fromWalletId: from.id, toWalletId: to.id, amount: '10' })).status);
    expect(statuses).toEqual([201, 201, 201, 201, 201]);
  });
});
