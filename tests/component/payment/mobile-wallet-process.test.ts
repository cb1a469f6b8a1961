import { randomUUID } from 'node:crypto';
import { balanceOf, ledgerInvariants } from '../../support/ledger';
import { createMobilePayFixtures } from '../../support/mobile-pay-config';
import { mobileChargesOf, openSession, processPayment, tokenFor, transactionsOf, type MobileMethod } from '../../support/mobile-payments';
import { sandbox } from '../../support/payments';
import { startTestApp, type TestApp } from '../../support/test-app';

/** init → process → the wallet holds exactly the amount, through the sandbox processor and the local vault. */
describe('POST /api/v1/payment/{apple-pay|google-pay}/process', () => {
  let t: TestApp;
  let fixtures: Awaited<ReturnType<typeof createMobilePayFixtures>>;
  beforeAll(async () => {
    fixtures = await createMobilePayFixtures();
    t = await startTestApp(fixtures.env);
  });
  afterAll(() => t.close());

  describe.each<[MobileMethod, string]>([
    ['apple-pay', 'apple_pay'],
    ['google-pay', 'google_pay'],
  ])('%s', (method, purpose) => {
    it('when valid payment data is processed, then the balance rises by exactly the amount with one transaction and one credited charge', async () => {
      const { user, wallet, sessionId } = await openSession(t, method);
      const charged = sandbox(t).chargesMade;
      const res = await processPayment(t, method, user.auth, { sessionId, paymentData: tokenFor(fixtures, method) });

      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        method: purpose,
        sessionId,
        charge: { amount: '1050', currency: 'USD' },
        transfer: { type: purpose, amount: '1050', currency: 'USD', toWalletId: wallet.id },
        credit: { walletId: wallet.id, amount: '1050' },
      });
      expect(await balanceOf(t, wallet.id)).toBe(1050n);
      expect(sandbox(t).chargesMade - charged).toBe(1);
      const transactions = await transactionsOf(t, wallet.id);
      expect(transactions).toEqual([expect.objectContaining({ amount: '1050', transfer_id: res.body.transfer.id })]);
      expect(await mobileChargesOf(t, wallet.id)).toEqual([
        expect.objectContaining({
          id: res.body.charge.id,
          purpose,
          status: 'credited',
          payment_session_id: sessionId,
          transfer_id: res.body.transfer.id,
        }),
      ]);
      const token = await t.http().get(`/api/v1/tokens/${res.body.charge.tokenId}`).set(user.auth);
      expect(token.body).toMatchObject({ type: purpose, card: { last4: '4242' } });
    });

    it('when the same request is sent again with the same Idempotency-Key, then the first reply is replayed and nothing is charged again', async () => {
      const { user, wallet, sessionId } = await openSession(t, method);
      const body = { sessionId, paymentData: tokenFor(fixtures, method) };
      const key = randomUUID();
      const first = await processPayment(t, method, user.auth, body, key);
      const charged = sandbox(t).chargesMade;
      const again = await processPayment(t, method, user.auth, body, key);

      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(sandbox(t).chargesMade).toBe(charged);
      expect(await balanceOf(t, wallet.id)).toBe(1050n);
    });

    it('when a used session is replayed under a new Idempotency-Key, then 409 payment_session_used and the balance stays', async () => {
      const { user, wallet, sessionId } = await openSession(t, method);
      const body = { sessionId, paymentData: tokenFor(fixtures, method) };
      expect((await processPayment(t, method, user.auth, body)).status).toBe(201);

      const replay = await processPayment(t, method, user.auth, body);
      expect(replay.status).toBe(409);
      expect(replay.body.error.code).toBe('payment_session_used');
      expect(await balanceOf(t, wallet.id)).toBe(1050n);
      expect(await mobileChargesOf(t, wallet.id)).toHaveLength(1);
    });

    it('when 20 process calls with different Idempotency-Keys race on one session, then exactly one credits the wallet', async () => {
      const { user, wallet, sessionId } = await openSession(t, method);
      const body = { sessionId, paymentData: tokenFor(fixtures, method) };
      const charged = sandbox(t).chargesMade;
      const results = await Promise.all(Array.from({ length: 20 }, () => processPayment(t, method, user.auth, body)));

      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([201, ...Array(19).fill(409)]);
      expect(results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'payment_session_used')).toBe(true);
      expect(await balanceOf(t, wallet.id)).toBe(1050n);
      expect(await transactionsOf(t, wallet.id)).toHaveLength(1);
      expect(sandbox(t).chargesMade - charged).toBe(1);
      expect(await ledgerInvariants(t)).toMatchObject({
        totalBalance: 0n,
        unbalancedTransfers: 0,
        walletsWhoseBalanceDisagreesWithEntries: 0,
      });
    });
  });

  it('when payments were processed, then /metrics counts them by method and outcome', async () => {
    const { text } = await t.http().get('/metrics');
    expect(text).toMatch(/ocp_payments_total\{method="apple_pay",outcome="succeeded"\} [1-9]/);
    expect(text).toMatch(/ocp_payments_total\{method="google_pay",outcome="succeeded"\} [1-9]/);
  });

  it('when the body has no payment data or an unknown field, then 400 and no session is used', async () => {
    const { user, sessionId } = await openSession(t, 'apple-pay');
    expect((await processPayment(t, 'apple-pay', user.auth, { sessionId } as never)).status).toBe(400);
    expect((await processPayment(t, 'apple-pay', user.auth, { sessionId, paymentData: {}, extra: 1 } as never)).status).toBe(400);
    expect((await processPayment(t, 'apple-pay', user.auth, { sessionId, paymentData: tokenFor(fixtures, 'apple-pay') })).status).toBe(201);
  });

  it('when no Idempotency-Key is sent, then 400 and nothing is charged', async () => {
    const { user, wallet, sessionId } = await openSession(t, 'google-pay');
    const res = await t
      .http()
      .post('/api/v1/payment/google-pay/process')
      .set(user.auth)
      .send({ sessionId, paymentData: tokenFor(fixtures, 'google-pay') });
    expect(res.status).toBe(400);
    expect(await balanceOf(t, wallet.id)).toBe(0n);
  });

  it('when the OpenAPI document is read, then both process endpoints are in it with their Idempotency-Key header', async () => {
    const { body } = await t.http().get('/openapi.json');
    for (const path of ['/api/v1/payment/apple-pay/process', '/api/v1/payment/google-pay/process']) {
      const operation = body.paths[path]?.post;
      expect(operation).toBeDefined();
      expect(operation.parameters).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'idempotency-key', in: 'header', required: true })]),
      );
      expect(operation.responses['201']).toBeDefined();
    }
  });
});
