import { randomUUID } from 'node:crypto';
import { balanceOf, createWallet, ledgerInvariants } from '../../support/ledger';
import { fakeStripe } from '../../support/fake-stripe';
import { cardData, createCardToken, fundWithCard } from '../../support/payments';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

/** Card refunds when the processor (Stripe, through a local fake) fails for a while or refuses. */
describe('card refunds when the processor fails', () => {
  const stripe = fakeStripe('sk_test_r');
  let t: TestApp;
  beforeAll(async () => {
    await stripe.start();
    t = await startTestApp({
      TOKEN_PROVIDER: 'stripe',
      PAYMENT_PROCESSOR: 'stripe',
      STRIPE_API_URL: stripe.url,
      STRIPE_SECRET_KEY: 'sk_test_r',
      PROVIDER_TIMEOUT_MS: '400',
      PROVIDER_RETRIES_MAX: '1',
      PROVIDER_BACKOFF_BASE_MS: '5',
    });
  });
  afterAll(async () => {
    await t.close();
    await stripe.stop();
  });
  beforeEach(() => {
    stripe.clearFaults();
    stripe.state.refuseRefunds = false;
  });

  async function funded(amount: string) {
    const alice = await registerUser(t);
    const wallet = await createWallet(t, alice);
    const token = await createCardToken(t, alice.auth);
    const res = await fundWithCard(t, alice.auth, wallet.id, { tokenId: token.id, amount });
    expect(res.status).toBe(201);
    const { rows } = await t.container.db.query<{ processor_charge_id: string }>(
      'SELECT processor_charge_id FROM card_charges WHERE id = $1',
      [res.body.charge.id],
    );
    return { alice, wallet, intentId: rows[0]!.processor_charge_id, credit: res.body.credit as { id: string } };
  }

  const refund = (auth: Record<string, string>, txnId: string, body: object) =>
    t.http().post(`/api/v1/transactions/${txnId}/refund`).set(auth).set('Idempotency-Key', randomUUID()).send(body);

  const cardRefund = async (id: string) =>
    (
      await t.container.db.query<{ status: string; attempts: number; last_error: string | null; processor_refund_id: string | null }>(
        'SELECT status, attempts, last_error, processor_refund_id FROM card_refunds WHERE id = $1',
        [id],
      )
    ).rows[0];

  /** Skips the backoff, as if its time had come. */
  const due = (id: string) => t.container.db.query('UPDATE card_refunds SET next_attempt_at = now() WHERE id = $1', [id]);

  it('when the processor is down at first, then the refund still answers 201, stays pending, and ends succeeded after the worker runs, refunded once', async () => {
    const { alice, wallet, intentId, credit } = await funded('3000');
    const before = stripe.state.refundsCreated;
    stripe.inject('fail', 2, '/v1/refunds'); // the first attempt and its one HTTP retry
    const res = await refund(alice.auth, credit.id, { amount: '1800', reason: 'outage' });
    expect(res.status).toBe(201);
    const id = res.body.externalRefund.id as string;
    await t.container.funding.cardRefunds.idle();
    expect(await cardRefund(id)).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_error: 'processor_unavailable',
      processor_refund_id: null,
    });
    expect(stripe.state.refundsCreated).toBe(before);
    expect(await t.container.funding.cardRefunds.runOnce()).toMatchObject({ claimed: 0 }); // not due yet: backoff

    await due(id);
    expect(await t.container.funding.cardRefunds.runOnce()).toMatchObject({ claimed: 1, succeeded: 1 });
    expect(await cardRefund(id)).toMatchObject({
      status: 'succeeded',
      attempts: 2,
      last_error: null,
      processor_refund_id: expect.stringMatching(/^re_/),
    });
    expect(stripe.state.refundsCreated - before).toBe(1);
    expect(stripe.refundedOf(intentId)).toBe(1800);
    // Every attempt used the record's id as Idempotency-Key.
    const keys = stripe.requests.filter((r) => r.path === '/v1/refunds').map((r) => r.headers['idempotency-key']);
    expect(keys.filter((k) => k === id)).toHaveLength(3);
    expect(await balanceOf(t, wallet.id)).toBe(1200n);
    expect(await ledgerInvariants(t)).toMatchObject({
      totalBalance: 0n,
      unbalancedTransfers: 0,
      negativeUserWallets: 0,
      walletsWhoseBalanceDisagreesWithEntries: 0,
    });
  });

  it('when the processor does not answer in time, then the refund stays pending and the worker later refunds it once', async () => {
    const { alice, intentId, credit } = await funded('2500');
    const before = stripe.state.refundsCreated;
    stripe.inject('hang', 2, '/v1/refunds'); // the first attempt and its one HTTP retry time out
    const res = await refund(alice.auth, credit.id, { reason: 'all' });
    expect(res.status).toBe(201);
    const id = res.body.externalRefund.id as string;
    await t.container.funding.cardRefunds.idle();
    expect(await cardRefund(id)).toMatchObject({ status: 'pending', last_error: 'processor_unavailable' });
    await due(id);
    expect(await t.container.funding.cardRefunds.runOnce()).toMatchObject({ claimed: 1, succeeded: 1 });
    expect(stripe.state.refundsCreated - before).toBe(1);
    expect(stripe.refundedOf(intentId)).toBe(2500);
  });

  it('when the first attempt outlasts the timeout and the retry meets 409 idempotency_key_in_use, then the refund stays pending, not failed, and is refunded once', async () => {
    const { alice, intentId, credit } = await funded('2700');
    const before = stripe.state.refundsCreated;
    stripe.slowNext('/v1/refunds', 900);
    const res = await refund(alice.auth, credit.id, { reason: 'slow' });
    expect(res.status).toBe(201);
    const id = res.body.externalRefund.id as string;
    await t.container.funding.cardRefunds.idle();
    // Stripe is still refunding: no operator is told to return the money to the card by hand.
    expect(await cardRefund(id)).toMatchObject({ status: 'pending', last_error: 'processor_unavailable' });
    while (stripe.state.refundsCreated === before) await new Promise((resolve) => setTimeout(resolve, 20));
    await due(id);
    expect(await t.container.funding.cardRefunds.runOnce()).toMatchObject({ claimed: 1, succeeded: 1 });
    expect(stripe.state.refundsCreated - before).toBe(1);
    expect(stripe.refundedOf(intentId)).toBe(2700);
  });

  it('when the process dies between the commit and the processor call, then the worker finds the refund and makes it once', async () => {
    const { alice, intentId, credit } = await funded('1500');
    const before = stripe.state.refundsCreated;
    const settle = jest.spyOn(t.container.funding.cardRefunds, 'settle').mockImplementation(() => undefined);
    let id: string;
    try {
      const res = await refund(alice.auth, credit.id, { amount: '600', reason: 'crash' });
      expect(res.status).toBe(201);
      id = res.body.externalRefund.id as string;
    } finally {
      settle.mockRestore();
    }
    expect(await cardRefund(id)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await t.container.funding.cardRefunds.runOnce()).toMatchObject({ claimed: 1, succeeded: 1 });
    expect(await cardRefund(id)).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(stripe.state.refundsCreated - before).toBe(1);
    expect(stripe.refundedOf(intentId)).toBe(600);
  });

  it('when the processor refuses the refund, then it ends failed, is logged and counted for operators without card data, and is not retried', async () => {
    const { alice, wallet, intentId, credit } = await funded('4000');
    stripe.state.refuseRefunds = true;
    const res = await refund(alice.auth, credit.id, { amount: '1000', reason: 'disputed' });
    expect(res.status).toBe(201);
    const id = res.body.externalRefund.id as string;
    await t.container.funding.cardRefunds.idle();
    expect(await cardRefund(id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      last_error: 'processor_rejected',
      processor_refund_id: null,
    });
    expect(stripe.refundedOf(intentId)).toBe(0);
    expect(t.logs.text()).toContain('card refund failed');
    expect(t.logs.text()).toContain(id);
    expect(t.logs.text()).not.toContain(cardData().number);
    expect((await t.http().get('/metrics')).text).toMatch(/ocp_card_refunds_total\{outcome="failed"\} [1-9]/);

    stripe.state.refuseRefunds = false;
    await due(id);
    expect(await t.container.funding.cardRefunds.runOnce()).toMatchObject({ claimed: 0 });
    expect(await cardRefund(id)).toMatchObject({ status: 'failed' });
    // The ledger refund stands: the money is out of the wallet and owed to the card by an operator.
    expect(await balanceOf(t, wallet.id)).toBe(3000n);
  });
});
