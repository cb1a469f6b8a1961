import { balanceOf, createWallet, fund, ledgerInvariants } from '../../support/ledger';
import { fakeStripe } from '../../support/fake-stripe';
import { createCardToken } from '../../support/payments';
import { BANK_ACCOUNTS, createPayout, registerBankAccount, settledPayout } from '../../support/payouts';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

/** Payouts through the Stripe processor, against a local server speaking Stripe's payout API. */
describe('payouts (Stripe processor)', () => {
  const stripe = fakeStripe('sk_test_p');
  let t: TestApp;
  beforeAll(async () => {
    await stripe.start();
    t = await startTestApp({
      TOKEN_PROVIDER: 'stripe',
      PAYMENT_PROCESSOR: 'stripe',
      STRIPE_API_URL: stripe.url,
      STRIPE_SECRET_KEY: 'sk_test_p',
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

  async function setup(accountNumber: string = BANK_ACCOUNTS.paid) {
    const alice = await registerUser(t);
    const wallet = await createWallet(t, alice);
    await fund(t, wallet.id, 10_000);
    const account = await registerBankAccount(t, alice.auth, accountNumber);
    const payout = (amount = '2500') =>
      createPayout(t, alice.auth, { walletId: wallet.id, amount, destination: { type: 'bank_account', tokenId: account.id } });
    return { alice, wallet, account, payout };
  }

  it('when a bank account is registered and paid out to, then Stripe holds the numbers and the payout is paid once', async () => {
    const made = stripe.state.payoutsCreated;
    const { alice, wallet, account, payout } = await setup();
    expect(account).toMatchObject({ last4: '6789', bankName: 'STRIPE TEST BANK', country: 'US', currency: 'USD' });
    const res = await payout();
    expect(res.status).toBe(201);
    const paid = await settledPayout(t, alice.auth, res.body.id);
    expect(paid).toMatchObject({ status: 'paid', processorPayoutId: expect.stringMatching(/^po_/) });
    expect(stripe.state.payoutsCreated - made).toBe(1);
    expect(await balanceOf(t, wallet.id)).toBe(7500n);
    // Reconciliation finds the payout by Stripe's id.
    const found = await t.container.services.payouts.findByProcessorPayoutId(paid.processorPayoutId);
    expect(found?.id).toBe(res.body.id);
  });

  it('when paying out to a card, then its Stripe payment method is the destination', async () => {
    const alice = await registerUser(t);
    const wallet = await createWallet(t, alice);
    await fund(t, wallet.id, 1000);
    const card = await createCardToken(t, alice.auth);
    const res = await createPayout(t, alice.auth, { walletId: wallet.id, amount: '1000', destination: { type: 'card', tokenId: card.id } });
    expect(await settledPayout(t, alice.auth, res.body.id)).toMatchObject({ status: 'paid' });
    expect(await balanceOf(t, wallet.id)).toBe(0n);
  });

  it('when Stripe refuses the payout, then it fails with its code and the money is back in the wallet', async () => {
    const { alice, wallet, payout } = await setup();
    stripe.state.payoutBalance = 1000;
    try {
      const res = await payout('2500');
      expect(await settledPayout(t, alice.auth, res.body.id)).toMatchObject({ status: 'failed', failureCode: 'balance_insufficient' });
    } finally {
      stripe.state.payoutBalance = 1_000_000;
    }
    expect(await balanceOf(t, wallet.id)).toBe(10_000n);
  });

  it('when Stripe cannot be reached, then the payout stays pending and the worker sends it under the same key once Stripe is back', async () => {
    const made = stripe.state.payoutsCreated;
    const { alice, wallet, payout } = await setup();
    stripe.inject('fail', 2, '/v1/payouts');
    const res = await payout();
    expect(await settledPayout(t, alice.auth, res.body.id)).toMatchObject({ status: 'pending' });
    expect(await balanceOf(t, wallet.id)).toBe(7500n);
    await t.container.db.query('UPDATE payouts SET next_attempt_at = now() WHERE id = $1', [res.body.id]);
    await expect(t.container.payouts.processing.sendDue()).resolves.toMatchObject({ paid: 1 });
    // The retry of a request Stripe did execute would be replayed by its Idempotency-Key: one payout either way.
    expect(stripe.state.payoutsCreated - made).toBe(1);
    expect(await settledPayout(t, alice.auth, res.body.id)).toMatchObject({ status: 'paid' });
  });

  it('when the first attempt outlasts the timeout and the retry meets 409 idempotency_key_in_use, then the payout stays pending, not failed back into the wallet, and is paid once', async () => {
    const made = stripe.state.payoutsCreated;
    const { alice, wallet, payout } = await setup();
    stripe.slowNext('/v1/payouts', 900);
    const res = await payout();
    expect(res.status).toBe(201);
    // Stripe is still making the payout: its outcome is unknown, so nothing goes back to the wallet.
    expect(await settledPayout(t, alice.auth, res.body.id)).toMatchObject({ status: 'pending', failureCode: null });
    expect(await balanceOf(t, wallet.id)).toBe(7500n);
    while (stripe.state.payoutsCreated === made) await new Promise((resolve) => setTimeout(resolve, 20));
    await t.container.db.query('UPDATE payouts SET next_attempt_at = now() WHERE id = $1', [res.body.id]);
    await expect(t.container.payouts.processing.sendDue()).resolves.toMatchObject({ paid: 1 });
    expect(await settledPayout(t, alice.auth, res.body.id)).toMatchObject({ status: 'paid' });
    expect(stripe.state.payoutsCreated - made).toBe(1);
    expect(await balanceOf(t, wallet.id)).toBe(7500n);
  });

  it('when Stripe marks a paid payout failed later, then the status check returns the money once', async () => {
    const { alice, wallet, payout } = await setup(BANK_ACCOUNTS.returned);
    const res = await payout();
    expect(await settledPayout(t, alice.auth, res.body.id)).toMatchObject({ status: 'paid' });
    const checks = await Promise.all([t.container.payouts.processing.checkDue(), t.container.payouts.processing.checkDue()]);
    expect(checks.reduce((n, c) => n + c.returned, 0)).toBe(1);
    expect(await settledPayout(t, alice.auth, res.body.id)).toMatchObject({ status: 'returned', failureCode: 'account_closed' });
    expect(await balanceOf(t, wallet.id)).toBe(10_000n);
    expect(await ledgerInvariants(t)).toMatchObject({
      totalBalance: 0n,
      unbalancedTransfers: 0,
      walletsWhoseBalanceDisagreesWithEntries: 0,
    });
  });
});
