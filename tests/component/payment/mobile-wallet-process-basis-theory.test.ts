import { randomUUID } from 'node:crypto';
import { fakeBasisTheory } from '../../support/fake-basis-theory';
import { balanceOf } from '../../support/ledger';
import { APPLE_MERCHANT_ID, GOOGLE_MERCHANT_ID, createMobilePayFixtures } from '../../support/mobile-pay-config';
import { appleToken, googleToken, mobileChargesOf, openSession, processPayment } from '../../support/mobile-payments';
import { startTestApp, type TestApp } from '../../support/test-app';

/**
 * TOKEN_PROVIDER=basis_theory: OCP holds no processing keys and hands the encrypted token to Basis
 * Theory's /apple-pay and /google-pay endpoints (a local fake that speaks them).
 */
describe('Apple Pay and Google Pay /process with Basis Theory decrypting', () => {
  const bt = fakeBasisTheory('key_bt');
  let t: TestApp;
  let fixtures: Awaited<ReturnType<typeof createMobilePayFixtures>>;
  beforeAll(async () => {
    await bt.start();
    fixtures = await createMobilePayFixtures();
    t = await startTestApp({
      TOKEN_PROVIDER: 'basis_theory',
      BASIS_THEORY_API_URL: bt.url,
      BASIS_THEORY_API_KEY: 'key_bt',
      PROVIDER_TIMEOUT_MS: '400',
      PROVIDER_RETRIES_MAX: '1',
      PROVIDER_BACKOFF_BASE_MS: '5',
      // Merchant ids only: no Apple root, no processing keys, no Google keys, so OCP cannot decrypt.
      APPLE_PAY_MERCHANT_ID: APPLE_MERCHANT_ID,
      GOOGLE_PAY_MERCHANT_ID: GOOGLE_MERCHANT_ID,
      GOOGLE_PAY_PRIVATE_KEY_FILES: fixtures.env.GOOGLE_PAY_PRIVATE_KEY_FILES,
    });
  });
  afterAll(async () => {
    await t.close();
    await bt.stop();
  });
  afterEach(() => bt.clearFaults());

  it.each([
    ['apple-pay', 'apple_payment_data', () => appleToken(fixtures)],
    ['google-pay', 'google_payment_data', () => googleToken(fixtures)],
  ] as const)(
    'when %s data is processed, then Basis Theory gets the encrypted token as %s and the wallet is credited once',
    async (method, field, build) => {
      const { user, wallet, sessionId } = await openSession(t, method);
      const paymentData = build();
      const res = await processPayment(t, method, user.auth, { sessionId, paymentData });
      expect(res.status).toBe(201);
      expect(await balanceOf(t, wallet.id)).toBe(1050n);
      const sent = bt.requests.filter((r) => r.path === `/${method}`);
      expect(sent.at(-1)!.body[field]).toEqual(typeof paymentData === 'string' ? JSON.parse(paymentData) : paymentData);
      expect(await mobileChargesOf(t, wallet.id)).toEqual([expect.objectContaining({ status: 'credited', payment_session_id: sessionId })]);
    },
  );

  it.each([
    ['apple-pay', () => appleToken(fixtures)],
    ['google-pay', () => googleToken(fixtures)],
  ] as const)(
    'when %s data already paid is sent in a new session, then 409 payment_data_replayed before Basis Theory is asked again',
    async (method, build) => {
      const paymentData = build();
      const first = await openSession(t, method);
      expect((await processPayment(t, method, first.user.auth, { sessionId: first.sessionId, paymentData })).status).toBe(201);
      const asked = bt.requests.filter((r) => r.path === `/${method}`).length;

      const other = await openSession(t, method);
      const replay = await processPayment(t, method, other.user.auth, { sessionId: other.sessionId, paymentData });
      expect(replay.status).toBe(409);
      expect(replay.body.error.code).toBe('payment_data_replayed');
      expect(bt.requests.filter((r) => r.path === `/${method}`)).toHaveLength(asked);
      expect(await balanceOf(t, other.wallet.id)).toBe(0n);
    },
  );

  it('when Basis Theory is down, then 503 token_provider_unavailable, nothing is charged, and the session can be paid once it is back', async () => {
    const { user, wallet, sessionId } = await openSession(t, 'apple-pay');
    bt.inject('fail', 2, '/apple-pay');
    const paymentData = appleToken(fixtures);
    const down = await processPayment(t, 'apple-pay', user.auth, { sessionId, paymentData }, randomUUID());
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('token_provider_unavailable');
    expect(await mobileChargesOf(t, wallet.id)).toEqual([]);
    expect(await balanceOf(t, wallet.id)).toBe(0n);

    expect((await processPayment(t, 'apple-pay', user.auth, { sessionId, paymentData })).status).toBe(201);
    expect(await balanceOf(t, wallet.id)).toBe(1050n);
  });
});
