import { randomUUID } from 'node:crypto';
import { balanceOf, createWallet, ledgerInvariants } from '../../support/ledger';
import { fakeStripe } from '../../support/fake-stripe';
import { chargesOf, createCardToken, fundWithCard } from '../../support/payments';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

/** Stripe as token provider and processor, through a local fake that can hold, fail or hang. */
describe('card funding when the processor or the ledger fails half-way', () => {
  const stripe = fakeStripe('sk_test_f');
  let t: TestApp;
  beforeAll(async () => {
    await stripe.start();
    t = await startTestApp({
      TOKEN_PROVIDER: 'stripe',
      PAYMENT_PROCESSOR: 'stripe',
      STRIPE_API_URL: stripe.url,
      STRIPE_SECRET_KEY: 'sk_test_f',
      PROVIDER_TIMEOUT_MS: '400',
      PROVIDER_RETRIES_MAX: '1',
      PROVIDER_BACKOFF_BASE_MS: '5',
    });
  });
  afterAll(async () => {
    await t.close();
    await stripe.stop();
  });
  beforeEach(() => stripe.clearFaults());

  async function setup() {
    const alice = await registerUser(t);
    const wallet = await createWallet(t, alice);
    const token = await createCardToken(t, alice.auth);
    return { alice, wallet, token };
  }

  const reconciliation = async (chargeId: string) =>
    (
      await t.container.db.query<{ reason: string; attempts: number; resolved_at: Date | null }>(
        'SELECT reason, attempts, resolved_at FROM funding_reconciliation WHERE charge_id = $1',
        [chargeId],
      )
    ).rows[0];

  it('when the charge succeeds but the wallet is frozen meanwhile, then it is recorded for reconciliation; a retry after unfreezing credits it without charging again', async () => {
    const { alice, wallet, token } = await setup();
    let release!: () => void;
    stripe.state.gate = new Promise<void>((resolve) => (release = resolve));
    const key = randomUUID();
    const intentsBefore = stripe.state.intentsCreated;
    const pending = fundWithCard(t, alice.auth, wallet.id, { tokenId: token.id, amount: '4200' }, key).then((r) => r);
    while (!stripe.requests.some((r) => r.path === '/v1/payment_intents' && r.headers['idempotency-key']?.toString().startsWith('chg_'))) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect((await t.http().patch(`/api/v1/wallets/${wallet.id}`).set(alice.auth).send({ status: 'frozen' })).status).toBe(200);
    stripe.state.gate = undefined;
    release();

    const res = await pending;
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('wallet_not_active');
    expect(await balanceOf(t, wallet.id)).toBe(0n);
    const [charge] = await chargesOf(t, wallet.id);
    expect(charge!.status).toBe('succeeded');
    expect(await reconciliation(charge!.id)).toMatchObject({ reason: 'wallet_not_active', resolved_at: null });
    expect(t.logs.text()).toContain('recorded for reconciliation');

    await t.http().patch(`/api/v1/wallets/${wallet.id}`).set(alice.auth).send({ status: 'active' });
    const retried = await fundWithCard(t, alice.auth, wallet.id, { tokenId: token.id, amount: '4200' }, key);
    expect(retried.status).toBe(201);
    expect(await balanceOf(t, wallet.id)).toBe(4200n);
    expect(stripe.state.intentsCreated - intentsBefore).toBe(1);
    expect((await reconciliation(charge!.id))!.resolved_at).not.toBeNull();
    expect(await chargesOf(t, wallet.id)).toEqual([expect.objectContaining({ id: charge!.id, status: 'credited' })]);
  });

  it('when the processor stays down, then 503 processor_unavailable, the charge stays pending, and a retry with the key charges once', async () => {
    const { alice, wallet, token } = await setup();
    const key = randomUUID();
    stripe.inject('fail', 2, '/v1/payment_intents');
    const down = await fundWithCard(t, alice.auth, wallet.id, { tokenId: token.id, amount: '999' }, key);
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('processor_unavailable');
    expect(await balanceOf(t, wallet.id)).toBe(0n);
    expect(await chargesOf(t, wallet.id)).toEqual([expect.objectContaining({ status: 'pending' })]);

    const intentsBefore = stripe.state.intentsCreated;
    const retried = await fundWithCard(t, alice.auth, wallet.id, { tokenId: token.id, amount: '999' }, key);
    expect(retried.status).toBe(201);
    expect(stripe.state.intentsCreated - intentsBefore).toBe(1);
    expect(await balanceOf(t, wallet.id)).toBe(999n);
  });

  it('when the first answer is lost to a timeout, then the retry reuses the charge id and Stripe charges once', async () => {
    const { alice, wallet, token } = await setup();
    const intentsBefore = stripe.state.intentsCreated;
    stripe.inject('hang', 1, '/v1/payment_intents');
    const res = await fundWithCard(t, alice.auth, wallet.id, { tokenId: token.id, amount: '1234' });
    expect(res.status).toBe(201);
    expect(await balanceOf(t, wallet.id)).toBe(1234n);
    const chargeIds = stripe.requests
      .filter((r) => r.path === '/v1/payment_intents')
      .slice(-2)
      .map((r) => r.headers['idempotency-key']);
    expect(chargeIds[0]).toBe(chargeIds[1]);
    expect(stripe.state.intentsCreated - intentsBefore).toBeLessThanOrEqual(1);
    expect(await ledgerInvariants(t)).toMatchObject({ totalBalance: 0n, unbalancedTransfers: 0 });
  });

  it('when the first attempt outlasts the timeout and the retry meets 409 idempotency_key_in_use, then 503 processor_unavailable, not a refusal, and a retry with the key credits the charge once', async () => {
    const { alice, wallet, token } = await setup();
    const intentsBefore = stripe.state.intentsCreated;
    stripe.slowNext('/v1/payment_intents', 900);
    const key = randomUUID();
    const res = await fundWithCard(t, alice.auth, wallet.id, { tokenId: token.id, amount: '4200' }, key);
    // The card is being charged: a 4xx would tell the client that nothing happened.
    expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 503, code: 'processor_unavailable' });
    expect((await chargesOf(t, wallet.id))[0]).toMatchObject({ status: 'pending' });
    while (stripe.state.intentsCreated === intentsBefore) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const retry = await fundWithCard(t, alice.auth, wallet.id, { tokenId: token.id, amount: '4200' }, key);
    expect(retry.status).toBe(201);
    expect(stripe.state.intentsCreated - intentsBefore).toBe(1);
    expect(await balanceOf(t, wallet.id)).toBe(4200n);
  });

  it('when Stripe declines, then 422 with its decline code and no money moves', async () => {
    const alice = await registerUser(t);
    const wallet = await createWallet(t, alice);
    const token = await createCardToken(t, alice.auth, '4000000000009995');
    const res = await fundWithCard(t, alice.auth, wallet.id, { tokenId: token.id, amount: '500' });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'card_declined', details: { declineCode: 'insufficient_funds' } });
    expect(await balanceOf(t, wallet.id)).toBe(0n);
  });
});
