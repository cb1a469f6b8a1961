import { createWallet } from '../../support/ledger';
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
    const res = await t.http().post('/api/v1/payment/apple-pay/init').set(other.auth).send({ ...body, walletId: otherWallet.id });
    expect(res.status).toBe(201);
  });
});
