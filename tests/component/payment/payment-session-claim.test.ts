import { createPublicKey } from 'node:crypto';
import type { Principal } from '../../../src/shared/principal';
import { DEFAULT_TENANT_ID } from '../../../src/shared/tenant-settings';
import { applePayPlaintext, buildApplePayToken } from '../../support/apple-pay-token';
import { buildGooglePayToken } from '../../support/google-pay-token';
import { createWallet } from '../../support/ledger';
import { APPLE_MERCHANT_ID, GOOGLE_MERCHANT_ID, createMobilePayFixtures } from '../../support/mobile-pay-config';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

/**
 * The step /process builds on: verified payment data checked against its session, and the session
 * claimed once. Driven through the services, with sessions opened through HTTP.
 */
describe('mobile-wallet payment verification and single-use sessions', () => {
  let t: TestApp;
  let fixtures: Awaited<ReturnType<typeof createMobilePayFixtures>>;
  beforeAll(async () => {
    fixtures = await createMobilePayFixtures();
    t = await startTestApp(fixtures.env);
  });
  afterAll(() => t.close());

  const appleToken = (plaintext = applePayPlaintext()) =>
    buildApplePayToken({
      authority: fixtures.apple,
      merchantId: APPLE_MERCHANT_ID,
      merchantPublicKey: createPublicKey(fixtures.appleMerchant.privateKey),
      plaintext,
    });
  const googleToken = () =>
    buildGooglePayToken({
      rootPrivateKey: fixtures.google.root.privateKey,
      recipientId: `merchant:${GOOGLE_MERCHANT_ID}`,
      merchantPublicKey: fixtures.google.merchantPublicKey,
    });

  async function openSession(method: 'apple-pay' | 'google-pay', amount = '1050') {
    const user = await registerUser(t);
    const wallet = await createWallet(t, user);
    const res = await t.http().post(`/api/v1/payment/${method}/init`).set(user.auth).send({ walletId: wallet.id, amount, currency: 'USD' });
    expect(res.status).toBe(201);
    const principal: Principal = { sub: user.id, role: 'user', permissions: [], tenantId: DEFAULT_TENANT_ID };
    return { principal, sessionId: res.body.sessionId as string, walletId: wallet.id };
  }

  const outcomes = (results: PromiseSettledResult<unknown>[]) =>
    results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as { code: string }).code)).sort();

  it('when one Apple Pay payment is replayed 20 times at once, then exactly one claim wins', async () => {
    const { principal, sessionId, walletId } = await openSession('apple-pay');
    const token = appleToken();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => t.container.services.applePay.verifyPayment(principal, sessionId, token)),
    );
    expect(outcomes(results)).toEqual(['ok', ...Array(19).fill('payment_session_used')]);
    const winner = results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{
      session: { walletId: string; amount: bigint };
      card: { dpan: string };
    }>;
    expect(winner.value.session).toMatchObject({ walletId, amount: 1050n });
    expect(winner.value.card.dpan).toBe('4242424242424242');
  });

  it('when one Google Pay payment is replayed 20 times at once, then exactly one claim wins', async () => {
    const { principal, sessionId } = await openSession('google-pay');
    const token = JSON.stringify(googleToken());
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => t.container.services.googlePay.verifyPayment(principal, sessionId, token)),
    );
    expect(outcomes(results)).toEqual(['ok', ...Array(19).fill('payment_session_used')]);
  });

  it('when the Apple Pay amount or currency differs from the session, then payment_session_mismatch and the session stays usable', async () => {
    const { principal, sessionId } = await openSession('apple-pay');
    const applePay = t.container.services.applePay;
    await expect(
      applePay.verifyPayment(principal, sessionId, appleToken(applePayPlaintext({ transactionAmount: 1 }))),
    ).rejects.toMatchObject({
      code: 'payment_session_mismatch',
    });
    await expect(
      applePay.verifyPayment(principal, sessionId, appleToken(applePayPlaintext({ currencyCode: '978' }))),
    ).rejects.toMatchObject({
      code: 'payment_session_mismatch',
    });
    await expect(applePay.verifyPayment(principal, sessionId, appleToken())).resolves.toMatchObject({ session: { id: sessionId } });
  });

  it('when the payment data is tampered, then it is refused and the session stays usable', async () => {
    const { principal, sessionId } = await openSession('apple-pay');
    const token = appleToken();
    const tampered = { ...token, data: Buffer.from('x'.repeat(64)).toString('base64') };
    await expect(t.container.services.applePay.verifyPayment(principal, sessionId, tampered)).rejects.toMatchObject({
      code: 'payment_data_signature_invalid',
    });
    await expect(t.container.services.applePay.verifyPayment(principal, sessionId, token)).resolves.toBeDefined();
  });

  it("when another caller presents someone's session, or an Apple session is used for Google Pay, then payment_session_not_found", async () => {
    const { sessionId } = await openSession('apple-pay');
    const stranger: Principal = { sub: 'usr_stranger', role: 'user', permissions: [], tenantId: DEFAULT_TENANT_ID };
    await expect(t.container.services.applePay.verifyPayment(stranger, sessionId, appleToken())).rejects.toMatchObject({
      code: 'payment_session_not_found',
    });
    const own = await openSession('apple-pay');
    await expect(t.container.services.googlePay.verifyPayment(own.principal, own.sessionId, googleToken())).rejects.toMatchObject({
      code: 'payment_session_not_found',
    });
  });

  it('when payments were verified and refused above, then no card number or cryptogram reached the logs', () => {
    const logs = t.logs.text();
    expect(logs).not.toContain('4242424242424242');
    expect(logs).not.toContain('AOHsBnMAAnq');
    expect(logs).not.toContain('AAAAAA8xTVJ0UWdR9kYAAAA');
  });
});
