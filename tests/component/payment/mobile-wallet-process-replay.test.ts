import { balanceOf } from '../../support/ledger';
import { createMobilePayFixtures } from '../../support/mobile-pay-config';
import { mobileChargesOf, openSession, processPayment, tokenFor, type MobileMethod } from '../../support/mobile-payments';
import { sandbox, TEST_CARDS } from '../../support/payments';
import { startTestApp, type TestApp } from '../../support/test-app';

/**
 * Apple Pay / Google Pay payment data are single-use: the same token sent again in a new session,
 * by another user, or concurrently, charges once. Only a keyed fingerprint of the token is stored.
 */
describe('Apple Pay / Google Pay payment data replay', () => {
  let t: TestApp;
  let fixtures: Awaited<ReturnType<typeof createMobilePayFixtures>>;
  beforeAll(async () => {
    fixtures = await createMobilePayFixtures();
    t = await startTestApp(fixtures.env);
  });
  afterAll(() => t.close());

  describe.each<MobileMethod>(['apple-pay', 'google-pay'])('%s', (method) => {
    it('when accepted payment data is sent again in new sessions of other users, then 409 payment_data_replayed each time and only the first wallet is credited', async () => {
      const paymentData = tokenFor(fixtures, method);
      const first = await openSession(t, method);
      const charged = sandbox(t).chargesMade;
      expect((await processPayment(t, method, first.user.auth, { sessionId: first.sessionId, paymentData })).status).toBe(201);

      for (const other of [await openSession(t, method), await openSession(t, method), await openSession(t, method, '1050', first.user)]) {
        const replay = await processPayment(t, method, other.user.auth, { sessionId: other.sessionId, paymentData });
        expect(replay.status).toBe(409);
        expect(replay.body.error.code).toBe('payment_data_replayed');
        expect(JSON.stringify(replay.body)).not.toContain(
          typeof paymentData === 'string' ? JSON.parse(paymentData).signedMessage : paymentData.header.transactionId,
        );
        expect(await balanceOf(t, other.wallet.id)).toBe(0n);
        expect(await mobileChargesOf(t, other.wallet.id)).toEqual([]);
      }
      expect(sandbox(t).chargesMade - charged).toBe(1);
      expect(await balanceOf(t, first.wallet.id)).toBe(1050n);
    });

    it('when a replay was refused, then its session is given back and fresh payment data pays it', async () => {
      const paymentData = tokenFor(fixtures, method);
      const first = await openSession(t, method);
      expect((await processPayment(t, method, first.user.auth, { sessionId: first.sessionId, paymentData })).status).toBe(201);
      const other = await openSession(t, method);
      expect((await processPayment(t, method, other.user.auth, { sessionId: other.sessionId, paymentData })).status).toBe(409);

      const fresh = await processPayment(t, method, other.user.auth, {
        sessionId: other.sessionId,
        paymentData: tokenFor(fixtures, method),
      });
      expect(fresh.status).toBe(201);
      expect(await balanceOf(t, other.wallet.id)).toBe(1050n);
    });

    it('when 10 users submit the same payment data concurrently in their own sessions, then exactly one is charged and credited', async () => {
      const paymentData = tokenFor(fixtures, method);
      const sessions = await Promise.all(Array.from({ length: 10 }, () => openSession(t, method)));
      const charged = sandbox(t).chargesMade;
      const results = await Promise.all(
        sessions.map((s) => processPayment(t, method, s.user.auth, { sessionId: s.sessionId, paymentData })),
      );

      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      const refused = results.filter((r) => r.status !== 201);
      expect(refused.map((r) => [r.status, r.body.error.code])).toEqual(Array(9).fill([409, 'payment_data_replayed']));
      expect(sandbox(t).chargesMade - charged).toBe(1);
      const balances = await Promise.all(sessions.map((s) => balanceOf(t, s.wallet.id)));
      expect(balances.reduce((a, b) => a + b, 0n)).toBe(1050n);
    });

    it('when payment data was declined, then it stays used: sending it again in a new session is 409 payment_data_replayed and the processor is not asked again', async () => {
      const paymentData = tokenFor(fixtures, method, TEST_CARDS.declined);
      const first = await openSession(t, method);
      const charged = sandbox(t).chargesMade;
      expect((await processPayment(t, method, first.user.auth, { sessionId: first.sessionId, paymentData })).status).toBe(422);

      const other = await openSession(t, method);
      const replay = await processPayment(t, method, other.user.auth, { sessionId: other.sessionId, paymentData });
      expect(replay.status).toBe(409);
      expect(replay.body.error.code).toBe('payment_data_replayed');
      expect(sandbox(t).chargesMade - charged).toBe(1);
    });

    it('when accepted payment data is re-encoded (Google Pay as the parsed object, Apple Pay with the transactionId in upper case, both still validly signed), then it is still a replay', async () => {
      const paymentData = tokenFor(fixtures, method);
      const first = await openSession(t, method);
      expect((await processPayment(t, method, first.user.auth, { sessionId: first.sessionId, paymentData })).status).toBe(201);

      const reencoded =
        typeof paymentData === 'string'
          ? JSON.parse(paymentData)
          : { ...paymentData, header: { ...paymentData.header, transactionId: paymentData.header.transactionId.toUpperCase() } };
      const other = await openSession(t, method);
      const replay = await processPayment(t, method, other.user.auth, { sessionId: other.sessionId, paymentData: reencoded });
      expect(replay.status).toBe(409);
      expect(replay.body.error.code).toBe('payment_data_replayed');
      expect(await balanceOf(t, other.wallet.id)).toBe(0n);
    });

    it('when payment data is claimed, then the database holds a keyed fingerprint of it, not the token', async () => {
      const paymentData = tokenFor(fixtures, method);
      const s = await openSession(t, method);
      expect((await processPayment(t, method, s.user.auth, { sessionId: s.sessionId, paymentData })).status).toBe(201);
      const { rows } = await t.container.db.query<{ fingerprint: string; claimed_by: string }>(
        'SELECT fingerprint, claimed_by FROM payment_data_claims WHERE payment_session_id = $1',
        [s.sessionId],
      );
      expect(rows).toEqual([{ fingerprint: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), claimed_by: s.user.id }]);
    });
  });
});
