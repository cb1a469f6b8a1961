import { createPublicKey } from 'node:crypto';
import { publicKeyToPoint } from '../../../src/modules/payment/google-pay/google-pay-crypto';
import { createWallet } from '../../support/ledger';
import { createMobilePayFixtures } from '../../support/mobile-pay-config';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

describe('POST /api/v1/payment/google-pay/init', () => {
  let t: TestApp;
  let fixtures: Awaited<ReturnType<typeof createMobilePayFixtures>>;
  beforeAll(async () => {
    fixtures = await createMobilePayFixtures();
    t = await startTestApp({ ...fixtures.env, GOOGLE_PAY_ENVIRONMENT: 'PRODUCTION' });
  });
  afterAll(() => t.close());

  const init = (app: TestApp, auth: Record<string, string>, body: object) =>
    app.http().post('/api/v1/payment/google-pay/init').set(auth).send(body);

  it('when a user opens a session, then it answers a PaymentDataRequest for DIRECT ECv2 with the merchant public key', async () => {
    const user = await registerUser(t);
    const wallet = await createWallet(t, user, 'EUR');
    const res = await init(t, user.auth, { walletId: wallet.id, amount: '2599', currency: 'EUR' });
    expect(res.status).toBe(201);
    const expectedKey = publicKeyToPoint(createPublicKey(fixtures.google.merchantPrivateKeyPem)).toString('base64');
    expect(res.body).toMatchObject({
      sessionId: expect.stringMatching(/^pses_/),
      amount: '2599',
      currency: 'EUR',
      environment: 'PRODUCTION',
      paymentDataRequest: {
        apiVersion: 2,
        apiVersionMinor: 0,
        merchantInfo: { merchantId: '12345678901234567890', merchantName: 'Open Commerce Protocol' },
        allowedPaymentMethods: [
          {
            type: 'CARD',
            parameters: {
              allowedAuthMethods: ['PAN_ONLY', 'CRYPTOGRAM_3DS'],
              allowedCardNetworks: ['VISA', 'MASTERCARD', 'AMEX', 'DISCOVER'],
            },
            tokenizationSpecification: { type: 'DIRECT', parameters: { protocolVersion: 'ECv2', publicKey: expectedKey } },
          },
        ],
        transactionInfo: { totalPriceStatus: 'FINAL', totalPrice: '25.99', currencyCode: 'EUR', countryCode: 'US' },
      },
    });
  });
});
