import { randomUUID } from 'node:crypto';
import { BALANCE_SOFT_MAX_MINOR } from '../../../src/shared/money/money';
import { balanceOf } from '../../support/ledger';
import { createMobilePayFixtures } from '../../support/mobile-pay-config';
import {
  appleToken,
  googleToken,
  mobileChargesOf,
  openSession,
  processPayment,
  tokenFor,
  type MobileMethod,
} from '../../support/mobile-payments';
import { sandbox, TEST_CARDS } from '../../support/payments';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

/** Every refusal leaves the balance unchanged and says why. */
describe('Apple Pay and Google Pay /process when something is wrong', () => {
  let t: TestApp;
  let fixtures: Awaited<ReturnType<typeof createMobilePayFixtures>>;
  beforeAll(async () => {
    fixtures = await createMobilePayFixtures();
    t = await startTestApp(fixtures.env);
  });
  afterAll(() => t.close());

  it.each<MobileMethod>(['apple-pay', 'google-pay'])(
    'when %s data carries the sandbox decline card, then 422 card_declined, a failed charge, no money, and a retry with the key gets the same answer without a new charge',
    async (method) => {
      const { user, wallet, sessionId } = await openSession(t, method);
      const body = { sessionId, paymentData: tokenFor(fixtures, method, TEST_CARDS.declined) };
      const key = randomUUID();
      const res = await processPayment(t, method, user.auth, body, key);
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'card_declined', details: { declineCode: 'generic_decline' } });
      expect(await balanceOf(t, wallet.id)).toBe(0n);
      expect(await mobileChargesOf(t, wallet.id)).toEqual([
        expect.objectContaining({ status: 'failed', failure_code: 'card_declined:generic_decline' }),
      ]);

      const charged = sandbox(t).chargesMade;
      const retried = await processPayment(t, method, user.auth, body, key);
      expect(retried.status).toBe(422);
      expect(sandbox(t).chargesMade).toBe(charged);
      // The cryptogram was spent on the decline: the session cannot pay again.
      expect((await processPayment(t, method, user.auth, { sessionId, paymentData: tokenFor(fixtures, method) })).body.error.code).toBe(
        'payment_session_used',
      );
      expect(await balanceOf(t, wallet.id)).toBe(0n);
    },
  );

  it.each<MobileMethod>(['apple-pay', 'google-pay'])(
    'when %s would take the wallet past its balance limit, then 422 amount_out_of_range, a failed charge, and the card is never charged',
    async (method) => {
      const { user, wallet, sessionId } = await openSession(t, method);
      // Set straight in the database: reaching 2^62 through the API takes thousands of postings.
      const nearLimit = BALANCE_SOFT_MAX_MINOR - 1000n;
      await t.container.db.query('UPDATE wallets SET balance = $2 WHERE id = $1', [wallet.id, nearLimit]);
      const charged = sandbox(t).chargesMade;
      const res = await processPayment(t, method, user.auth, { sessionId, paymentData: tokenFor(fixtures, method) });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('amount_out_of_range');
      expect(sandbox(t).chargesMade).toBe(charged);
      expect(await balanceOf(t, wallet.id)).toBe(nearLimit);
      expect(await mobileChargesOf(t, wallet.id)).toEqual([
        expect.objectContaining({ status: 'failed', failure_code: 'amount_out_of_range' }),
      ]);
    },
  );

  it.each<[MobileMethod, string, () => unknown]>([
    ['apple-pay', 'payment_data_decryption_failed', () => appleToken(fixtures, { corruptCiphertext: true })],
    [
      'apple-pay',
      'payment_data_signature_invalid',
      () => ({ ...appleToken(fixtures), data: Buffer.from('x'.repeat(64)).toString('base64') }),
    ],
    ['google-pay', 'payment_data_decryption_failed', () => googleToken(fixtures, { tamperTag: true })],
    ['google-pay', 'payment_data_expired', () => googleToken(fixtures, { messageExpiration: Date.now() - 1000 })],
    ['google-pay', 'payment_data_malformed', () => '{"protocolVersion":"ECv2"}'],
  ])(
    'when %s data is tampered or expired, then 422 %s, no charge, and the session still pays with good data',
    async (method, code, build) => {
      const { user, wallet, sessionId } = await openSession(t, method);
      const res = await processPayment(t, method, user.auth, { sessionId, paymentData: build() });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe(code);
      expect(await balanceOf(t, wallet.id)).toBe(0n);
      expect(await mobileChargesOf(t, wallet.id)).toEqual([]);

      expect((await processPayment(t, method, user.auth, { sessionId, paymentData: tokenFor(fixtures, method) })).status).toBe(201);
      expect(await balanceOf(t, wallet.id)).toBe(1050n);
    },
  );

  it('when the Apple Pay amount differs from the session, then 422 payment_session_mismatch and no money moves', async () => {
    const { user, wallet, sessionId } = await openSession(t, 'apple-pay', '5000');
    const res = await processPayment(t, 'apple-pay', user.auth, { sessionId, paymentData: appleToken(fixtures, { amountMinor: 1050 }) });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'payment_session_mismatch', details: { fields: ['amount'] } });
    expect(await balanceOf(t, wallet.id)).toBe(0n);
  });

  it("when the session is unknown, another user's, or of the other wallet type, then 404 payment_session_not_found", async () => {
    const { user, sessionId } = await openSession(t, 'apple-pay');
    const stranger = await registerUser(t);
    const unknown = await processPayment(t, 'apple-pay', user.auth, { sessionId: 'pses_missing', paymentData: appleToken(fixtures) });
    const foreign = await processPayment(t, 'apple-pay', stranger.auth, { sessionId, paymentData: appleToken(fixtures) });
    const crossed = await processPayment(t, 'google-pay', user.auth, { sessionId, paymentData: googleToken(fixtures) });
    for (const res of [unknown, foreign, crossed]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('payment_session_not_found');
    }
  });

  it('when the wallet was frozen after init, then 409 wallet_not_active before any charge, and the session pays once it is active again', async () => {
    const { user, wallet, sessionId } = await openSession(t, 'google-pay');
    await t.http().patch(`/api/v1/wallets/${wallet.id}`).set(user.auth).send({ status: 'frozen' });
    const charged = sandbox(t).chargesMade;
    const res = await processPayment(t, 'google-pay', user.auth, { sessionId, paymentData: googleToken(fixtures) });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('wallet_not_active');
    expect(sandbox(t).chargesMade).toBe(charged);
    expect(await mobileChargesOf(t, wallet.id)).toEqual([]);

    await t.http().patch(`/api/v1/wallets/${wallet.id}`).set(user.auth).send({ status: 'active' });
    expect((await processPayment(t, 'google-pay', user.auth, { sessionId, paymentData: googleToken(fixtures) })).status).toBe(201);
    expect(await balanceOf(t, wallet.id)).toBe(1050n);
  });

  it('when an Idempotency-Key that paid one session is sent with another session, then 422 and nothing is charged', async () => {
    const first = await openSession(t, 'apple-pay');
    const second = await openSession(t, 'apple-pay', '1050', first.user);
    const key = randomUUID();
    expect(
      (await processPayment(t, 'apple-pay', first.user.auth, { sessionId: first.sessionId, paymentData: appleToken(fixtures) }, key))
        .status,
    ).toBe(201);
    const reused = await processPayment(
      t,
      'apple-pay',
      first.user.auth,
      { sessionId: second.sessionId, paymentData: appleToken(fixtures) },
      key,
    );
    expect(reused.status).toBe(422);
    expect(await balanceOf(t, second.wallet.id)).toBe(0n);
  });

  it('when payments were declined, then /metrics counts them as declined', async () => {
    const { text } = await t.http().get('/metrics');
    expect(text).toMatch(/ocp_payments_total\{method="apple_pay",outcome="declined"\} [1-9]/);
    expect(text).toMatch(/ocp_payments_total\{method="google_pay",outcome="declined"\} [1-9]/);
  });
});
