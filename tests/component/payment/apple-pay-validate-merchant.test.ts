import { HttpsMerchantValidator } from '../../../src/modules/payment/apple-pay/merchant-validation';
import { startApplePayGateway, type ApplePayGateway } from '../../support/apple-pay-gateway';
import { createWallet } from '../../support/ledger';
import { createMobilePayFixtures } from '../../support/mobile-pay-config';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

describe('POST /api/v1/payment/apple-pay/validate-merchant', () => {
  let t: TestApp;
  let gateway: ApplePayGateway;
  beforeAll(async () => {
    gateway = await startApplePayGateway();
    const validator = new HttpsMerchantValidator({
      certPem: gateway.merchantIdentity.pem,
      keyPem: gateway.merchantIdentity.privateKeyPem,
      caPem: gateway.serverCa.pem,
      allowedHosts: [gateway.host],
      timeoutMs: 2000,
    });
    t = await startTestApp((await createMobilePayFixtures()).env, { applePayMerchantValidator: validator });
  });
  afterAll(async () => {
    await t.close();
    await gateway.close();
  });

  async function openSession(app = t) {
    const user = await registerUser(app);
    const wallet = await createWallet(app, user);
    const res = await app
      .http()
      .post('/api/v1/payment/apple-pay/init')
      .set(user.auth)
      .send({ walletId: wallet.id, amount: '1000', currency: 'USD' });
    return { user, sessionId: res.body.sessionId as string };
  }
  const validate = (auth: Record<string, string>, body: object, app = t) =>
    app.http().post('/api/v1/payment/apple-pay/validate-merchant').set(auth).send(body);

  it('when the session is live and the URL is an allowed host, then the merchant session from Apple comes back', async () => {
    const { user, sessionId } = await openSession();
    const res = await validate(user.auth, { sessionId, validationUrl: gateway.url });
    expect(res.status).toBe(200);
    expect(res.body.merchantSession).toMatchObject({ merchantSessionIdentifier: 'SSH-test' });
    expect(gateway.received.at(-1)?.body).toEqual({
      merchantIdentifier: 'merchant.org.ocp.test',
      displayName: 'Open Commerce Protocol',
      initiative: 'web',
      initiativeContext: 'shop.ocp.test',
    });
  });

  it('when the URL is not an Apple host (SSRF), then 400 and no request leaves', async () => {
    const { user, sessionId } = await openSession();
    const count = gateway.received.length;
    for (const validationUrl of [
      'https://169.254.169.254/latest/meta-data',
      'https://evil.example/paymentservices/startSession',
      'file:///etc/passwd',
    ]) {
      const res = await validate(user.auth, { sessionId, validationUrl });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_url_not_allowed');
    }
    expect(gateway.received).toHaveLength(count);
  });

  it("when the session is unknown or someone else's, then 404", async () => {
    const { sessionId } = await openSession();
    const stranger = await registerUser(t);
    const other = await validate(stranger.auth, { sessionId, validationUrl: gateway.url });
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('payment_session_not_found');
    const unknown = await validate(stranger.auth, { sessionId: 'pses_doesnotexist00', validationUrl: gateway.url });
    expect(unknown.status).toBe(404);
    expect((await validate(stranger.auth, { sessionId: 'not-a-session', validationUrl: gateway.url })).status).toBe(400);
  });

  it('when Apple fails, then 503 apple_pay_validation_failed without the reason in the body', async () => {
    const { user, sessionId } = await openSession();
    gateway.setMode('error');
    try {
      const res = await validate(user.auth, { sessionId, validationUrl: gateway.url });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('apple_pay_validation_failed');
      expect(JSON.stringify(res.body)).not.toContain('500');
    } finally {
      gateway.setMode('ok');
    }
  });
});
