import { DEFAULT_TENANT_ID } from '../../../src/shared/tenant-settings';
import { createWallet } from '../../support/ledger';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

/** One app with only part of the settings: each capability that lacks one answers 503 naming it. */
describe('mobile-wallet endpoints without their settings', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ APPLE_PAY_MERCHANT_ID: 'merchant.org.ocp.test', APPLE_PAY_DOMAIN: 'shop.ocp.test' });
  });
  afterAll(() => t.close());

  async function user() {
    const u = await registerUser(t);
    return { ...u, wallet: await createWallet(t, u) };
  }

  it('when Google Pay has no merchant id, then init answers 503 naming GOOGLE_PAY_MERCHANT_ID', async () => {
    const u = await user();
    const res = await t
      .http()
      .post('/api/v1/payment/google-pay/init')
      .set(u.auth)
      .send({ walletId: u.wallet.id, amount: '100', currency: 'USD' });
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({ code: 'payment_method_not_configured', details: { setting: 'GOOGLE_PAY_MERCHANT_ID' } });
    expect(res.body.error.message).toContain('GOOGLE_PAY_MERCHANT_ID');
  });

  it('when Apple Pay has a merchant id but no identity certificate, then init works and validate-merchant answers 503 naming the file setting', async () => {
    const u = await user();
    const init = await t
      .http()
      .post('/api/v1/payment/apple-pay/init')
      .set(u.auth)
      .send({ walletId: u.wallet.id, amount: '100', currency: 'USD' });
    expect(init.status).toBe(201);
    const res = await t
      .http()
      .post('/api/v1/payment/apple-pay/validate-merchant')
      .set(u.auth)
      .send({ sessionId: init.body.sessionId, validationUrl: 'https://apple-pay-gateway.apple.com/paymentservices/startSession' });
    expect(res.status).toBe(503);
    expect(res.body.error.details).toEqual({ setting: 'APPLE_PAY_MERCHANT_CERT_FILE' });
  });

  it('when Apple Pay has no root CA, then payment verification is refused as not configured and the session stays unused', async () => {
    const u = await user();
    const init = await t
      .http()
      .post('/api/v1/payment/apple-pay/init')
      .set(u.auth)
      .send({ walletId: u.wallet.id, amount: '100', currency: 'USD' });
    const principal = { sub: u.id, role: 'user' as const, permissions: [], tenantId: DEFAULT_TENANT_ID };
    await expect(t.container.services.applePay.verifyPayment(principal, init.body.sessionId, {})).rejects.toMatchObject({
      code: 'payment_method_not_configured',
      details: { setting: 'APPLE_PAY_ROOT_CA_FILE' },
    });
    await expect(t.container.services.paymentSessions.get(principal, 'apple_pay', init.body.sessionId)).resolves.toBeDefined();
  });

  it('when Apple Pay has no root CA, then process answers 503 naming it, charges nothing, and the session stays unused', async () => {
    const u = await user();
    const init = await t
      .http()
      .post('/api/v1/payment/apple-pay/init')
      .set(u.auth)
      .send({ walletId: u.wallet.id, amount: '100', currency: 'USD' });
    const res = await t
      .http()
      .post('/api/v1/payment/apple-pay/process')
      .set(u.auth)
      .set('Idempotency-Key', 'k-not-configured')
      .send({ sessionId: init.body.sessionId, paymentData: { version: 'EC_v1' } });
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({ code: 'payment_method_not_configured', details: { setting: 'APPLE_PAY_ROOT_CA_FILE' } });
    const principal = { sub: u.id, role: 'user' as const, permissions: [], tenantId: DEFAULT_TENANT_ID };
    await expect(t.container.services.paymentSessions.get(principal, 'apple_pay', init.body.sessionId)).resolves.toBeDefined();
    const { rows } = await t.container.db.query('SELECT id FROM card_charges WHERE wallet_id = $1', [u.wallet.id]);
    expect(rows).toEqual([]);
  });
});
