import { createWallet } from '../../support/ledger';
import { createMobilePayFixtures } from '../../support/mobile-pay-config';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

describe('POST /api/v1/payment/apple-pay/init', () => {
  let t: TestApp;
  beforeAll(async () => {
    const fixtures = await createMobilePayFixtures();
    t = await startTestApp({ ...fixtures.env, APPLE_PAY_SUPPORTED_NETWORKS: 'visa,masterCard', PAYMENT_MERCHANT_COUNTRY: 'GB' });
  });
  afterAll(() => t.close());

  const init = (app: TestApp, auth: Record<string, string>, body: object) =>
    app.http().post('/api/v1/payment/apple-pay/init').set(auth).send(body);

  it('when a user opens a session for their wallet, then it answers the session and the Apple Pay payment request', async () => {
    const user = await registerUser(t);
    const wallet = await createWallet(t, user, 'USD');
    const before = Date.now();
    const res = await init(t, user.auth, { walletId: wallet.id, amount: '1050', currency: 'USD' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      sessionId: expect.stringMatching(/^pses_/),
      walletId: wallet.id,
      amount: '1050',
      currency: 'USD',
      paymentRequest: {
        merchantIdentifier: 'merchant.org.ocp.test',
        countryCode: 'GB',
        currencyCode: 'USD',
        supportedNetworks: ['visa', 'masterCard'],
        merchantCapabilities: ['supports3DS'],
        total: { label: 'Open Commerce Protocol', amount: '10.50', type: 'final' },
      },
    });
    const expiresInMs = Date.parse(res.body.expiresAt) - before;
    expect(expiresInMs).toBeGreaterThan(14 * 60_000);
    expect(expiresInMs).toBeLessThanOrEqual(15 * 60_000 + 1000);
    expect(await t.container.cache.get(`payment-session:${res.body.sessionId}`)).toContain(wallet.id);
  });

  it('when the currency has no minor units, then the total is whole', async () => {
    const user = await registerUser(t);
    const wallet = await createWallet(t, user, 'JPY');
    const res = await init(t, user.auth, { walletId: wallet.id, amount: '500', currency: 'JPY' });
    expect(res.status).toBe(201);
    expect(res.body.paymentRequest.total.amount).toBe('500');
  });

  it("when the wallet is someone else's, then 404 and no session", async () => {
    const owner = await registerUser(t);
    const wallet = await createWallet(t, owner);
    const stranger = await registerUser(t);
    const res = await init(t, stranger.auth, { walletId: wallet.id, amount: '100', currency: 'USD' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('wallet_not_found');
  });

  it('when the currency differs from the wallet or the amount is not positive, then 400', async () => {
    const user = await registerUser(t);
    const wallet = await createWallet(t, user, 'USD');
    const mismatch = await init(t, user.auth, { walletId: wallet.id, amount: '100', currency: 'EUR' });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error.code).toBe('currency_mismatch');
    for (const amount of ['0', '-5', '10.50', 'abc']) {
      expect((await init(t, user.auth, { walletId: wallet.id, amount, currency: 'USD' })).status).toBe(400);
    }
  });

  it('when the wallet is frozen, then 409 wallet_not_active', async () => {
    const user = await registerUser(t);
    const wallet = await createWallet(t, user, 'USD');
    await t.http().patch(`/api/v1/wallets/${wallet.id}`).set(user.auth).send({ status: 'frozen' });
    const res = await init(t, user.auth, { walletId: wallet.id, amount: '100', currency: 'USD' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('wallet_not_active');
  });

  it('when no token is sent, then 401', async () => {
    expect((await t.http().post('/api/v1/payment/apple-pay/init').send({})).status).toBe(401);
  });

  it('when the OpenAPI document is read, then the payment endpoints are described with the payment permission and request bodies', async () => {
    const res = await t.http().get('/openapi.json');
    for (const path of [
      '/api/v1/payment/apple-pay/init',
      '/api/v1/payment/apple-pay/validate-merchant',
      '/api/v1/payment/google-pay/init',
    ]) {
      expect(res.body.paths[path]?.post?.requestBody).toBeDefined();
      expect(res.body.paths[path].post.tags).toEqual(['payments']);
    }
  });
});
