import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import { newId } from '../../../src/infra/crypto/ids';
import { Unavailable } from '../../../src/shared/errors';
import { fakeStripe } from '../../support/fake-stripe';
import { balanceOf, createWallet, ledgerInvariants } from '../../support/ledger';
import { chargesOf, createCardToken, fundWithCard, sandbox, TEST_CARDS } from '../../support/payments';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

/**
 * The sweeper that finishes charges whose request died between recording the charge and crediting
 * the wallet. Time is simulated by moving the rows' timestamps back, never by waiting.
 */
describe('card charge recovery (sandbox processor)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => t.close());

  const sweep = () => t.container.funding.chargeRecovery.runOnce();
  const charged = () => sandbox(t).chargesMade;

  async function setup(number: string = TEST_CARDS.approved) {
    const alice = await registerUser(t);
    const wallet = await createWallet(t, alice);
    const token = await createCardToken(t, alice.auth, number);
    return { alice, wallet, token };
  }

  /** A charge row as card funding writes it before asking the processor, and nothing after. */
  async function recordPending(alice: { id: string }, walletId: string, tokenId: string, amount: bigint) {
    const { charge } = await t.container.funding.charges.claim({
      id: newId('chg'),
      scope: alice.id,
      idempotencyKey: randomUUID(),
      purpose: 'card_funding',
      walletId,
      tokenId,
      amount,
      currency: 'USD',
      processor: 'sandbox',
    });
    return charge;
  }

  /** The request that wrote the charge is long gone: its last change was 10 minutes ago. */
  const makeStale = (chargeId: string) =>
    t.container.db.query(
      `UPDATE card_charges SET created_at = created_at - interval '10 minutes', updated_at = updated_at - interval '10 minutes' WHERE id = $1`,
      [chargeId],
    );
  /** The backoff before the next sweep has passed. */
  const makeDue = (chargeId: string) => t.container.db.query('UPDATE card_charges SET recovery_due_at = now() WHERE id = $1', [chargeId]);
  const reconciliation = async (chargeId: string) =>
    (
      await t.container.db.query<{ reason: string; resolved_at: Date | null }>(
        'SELECT reason, resolved_at FROM funding_reconciliation WHERE charge_id = $1',
        [chargeId],
      )
    ).rows[0];
  const creditsOf = async (walletId: string) =>
    (
      await t.container.db.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM transfers WHERE to_wallet_id = $1 AND type = 'card_funding'`,
        [walletId],
      )
    ).rows[0]!.n;

  it('when the process dies after the processor charged but before the charge was recorded, then the sweep credits it once without charging again', async () => {
    const { alice, wallet, token } = await setup();
    const before = charged();
    jest.spyOn(t.container.funding.charges, 'recordSucceeded').mockRejectedValueOnce(new Error('process crashed'));
    const key = randomUUID();
    const crashed = await fundWithCard(t, alice.auth, wallet.id, { tokenId: token.id, amount: '3100' }, key);
    expect(crashed.status).toBe(500);
    const [charge] = await chargesOf(t, wallet.id);
    expect(charge!.status).toBe('pending');
    expect(charged() - before).toBe(1);

    await makeStale(charge!.id);
    expect(await sweep()).toMatchObject({ claimed: 1, credited: 1 });
    expect(await balanceOf(t, wallet.id)).toBe(3100n);
    expect(charged() - before).toBe(1);
    expect(await chargesOf(t, wallet.id)).toEqual([expect.objectContaining({ id: charge!.id, status: 'credited' })]);
    expect(await creditsOf(wallet.id)).toBe('1');

    // Nothing left for the next sweep; the client retrying its key learns the charge was credited.
    expect(await sweep()).toMatchObject({ claimed: 0 });
    const retried = await fundWithCard(t, alice.auth, wallet.id, { tokenId: token.id, amount: '3100' }, key);
    expect(retried.status).toBe(409);
    expect(retried.body.error).toMatchObject({
      code: 'charge_already_credited',
      details: { chargeId: charge!.id, transferId: expect.any(String) },
    });
    expect(await balanceOf(t, wallet.id)).toBe(3100n);
    const recovered = t.logs.entries.find((e) => e.message === 'card charge recovery: credited' && e.chargeId === charge!.id);
    expect(recovered).toMatchObject({ level: 'info', walletId: wallet.id, amount: '3100', currency: 'USD' });
  });

  it('when the credit failed after a successful charge, then the sweep credits it and resolves the reconciliation record', async () => {
    const { alice, wallet, token } = await setup();
    const before = charged();
    jest.spyOn(t.container.services.ledger, 'credit').mockRejectedValueOnce(new Error('database went away'));
    const failed = await fundWithCard(t, alice.auth, wallet.id, { tokenId: token.id, amount: '700' });
    expect(failed.status).toBe(500);
    const [charge] = await chargesOf(t, wallet.id);
    expect(charge!.status).toBe('succeeded');
    expect(await reconciliation(charge!.id)).toMatchObject({ reason: 'internal_error', resolved_at: null });

    await makeStale(charge!.id);
    expect(await sweep()).toMatchObject({ claimed: 1, credited: 1 });
    expect(await balanceOf(t, wallet.id)).toBe(700n);
    expect(charged() - before).toBe(1);
    expect((await reconciliation(charge!.id))!.resolved_at).not.toBeNull();
  });

  it('when a pending charge never reached the processor, then the sweep charges it once and credits it', async () => {
    const { alice, wallet, token } = await setup();
    const charge = await recordPending(alice, wallet.id, token.id, 1500n);
    await makeStale(charge.id);
    const before = charged();
    expect(await sweep()).toMatchObject({ claimed: 1, credited: 1 });
    expect(charged() - before).toBe(1);
    expect(await balanceOf(t, wallet.id)).toBe(1500n);
    expect(await chargesOf(t, wallet.id)).toEqual([expect.objectContaining({ id: charge.id, status: 'credited' })]);
  });

  it('when the card is declined on the sweep, then the charge ends failed and nothing is credited', async () => {
    const { alice, wallet, token } = await setup(TEST_CARDS.declined);
    const charge = await recordPending(alice, wallet.id, token.id, 1500n);
    await makeStale(charge.id);
    expect(await sweep()).toMatchObject({ claimed: 1, declined: 1, credited: 0 });
    expect(await chargesOf(t, wallet.id)).toEqual([
      { id: charge.id, status: 'failed', failure_code: 'card_declined:generic_decline', transfer_id: null },
    ]);
    expect(await balanceOf(t, wallet.id)).toBe(0n);
    expect(await sweep()).toMatchObject({ claimed: 0 });
  });

  it('when the processor is still unavailable, then the charge stays pending, waits its backoff, and a later sweep charges once and credits', async () => {
    const { alice, wallet, token } = await setup();
    const charge = await recordPending(alice, wallet.id, token.id, 2000n);
    await makeStale(charge.id);
    const before = charged();
    jest.spyOn(sandbox(t), 'charge').mockRejectedValueOnce(new Unavailable('The processor did not answer', 'processor_unavailable'));

    expect(await sweep()).toMatchObject({ claimed: 1, retried: 1 });
    expect(await chargesOf(t, wallet.id)).toEqual([expect.objectContaining({ status: 'pending' })]);
    expect(await balanceOf(t, wallet.id)).toBe(0n);
    expect(await sweep()).toMatchObject({ claimed: 0 }); // backing off
    expect(t.logs.entries.find((e) => e.message === 'card charge recovery: retried' && e.chargeId === charge.id)).toMatchObject({
      level: 'warn',
      reason: 'processor_unavailable',
    });

    await makeDue(charge.id);
    expect(await sweep()).toMatchObject({ claimed: 1, credited: 1 });
    expect(charged() - before).toBe(1);
    expect(await balanceOf(t, wallet.id)).toBe(2000n);
  });

  it('when the processor stays unavailable through the last attempt, then the charge is left to an operator in funding_reconciliation', async () => {
    const { alice, wallet, token } = await setup();
    const charge = await recordPending(alice, wallet.id, token.id, 900n);
    await makeStale(charge.id);
    await t.container.db.query('UPDATE card_charges SET recovery_attempts = 14 WHERE id = $1', [charge.id]);
    jest.spyOn(sandbox(t), 'charge').mockRejectedValue(new Unavailable('The processor did not answer', 'processor_unavailable'));

    expect(await sweep()).toMatchObject({ claimed: 1, abandoned: 1 });
    expect(await reconciliation(charge.id)).toMatchObject({ reason: 'processor_unavailable', resolved_at: null });
    await makeStale(charge.id);
    expect(await sweep()).toMatchObject({ claimed: 0 });
    expect(await balanceOf(t, wallet.id)).toBe(0n);
    expect(t.logs.entries.find((e) => e.chargeId === charge.id && e.level === 'error')).toMatchObject({ amount: '900' });

    // An operator who fixed the cause hands it back to the sweeper.
    jest.restoreAllMocks();
    await makeDue(charge.id);
    expect(await sweep()).toMatchObject({ claimed: 1, credited: 1 });
    expect(await balanceOf(t, wallet.id)).toBe(900n);
    expect((await reconciliation(charge.id))!.resolved_at).not.toBeNull();
  });

  it('when five sweeps run at once, then the charge is credited once and charged once', async () => {
    const { alice, wallet, token } = await setup();
    const charge = await recordPending(alice, wallet.id, token.id, 4400n);
    await makeStale(charge.id);
    const before = charged();
    const runs = await Promise.all(Array.from({ length: 5 }, () => sweep()));
    expect(runs.reduce((sum, r) => sum + r.claimed, 0)).toBe(1);
    expect(runs.reduce((sum, r) => sum + r.credited, 0)).toBe(1);
    expect(charged() - before).toBe(1);
    expect(await balanceOf(t, wallet.id)).toBe(4400n);
    expect(await creditsOf(wallet.id)).toBe('1');
  });

  it('when the original request is retried while sweeps run, then the wallet is credited once', async () => {
    const { alice, wallet, token } = await setup();
    const key = randomUUID();
    jest.spyOn(t.container.funding.charges, 'recordSucceeded').mockRejectedValueOnce(new Error('process crashed'));
    expect((await fundWithCard(t, alice.auth, wallet.id, { tokenId: token.id, amount: '2600' }, key)).status).toBe(500);
    const [charge] = await chargesOf(t, wallet.id);
    await makeStale(charge!.id);
    const before = charged();

    const [retried, ...runs] = await Promise.all([
      fundWithCard(t, alice.auth, wallet.id, { tokenId: token.id, amount: '2600' }, key),
      sweep(),
      sweep(),
      sweep(),
    ]);
    const credits = (retried.status === 201 ? 1 : 0) + runs.reduce((sum, r) => sum + r.credited, 0);
    expect(credits).toBe(1);
    if (retried.status !== 201) expect(retried.body.error.code).toBe('charge_already_credited');
    expect(charged() - before).toBe(0);
    expect(await balanceOf(t, wallet.id)).toBe(2600n);
    expect(await creditsOf(wallet.id)).toBe('1');
  });

  it('when a pending charge is younger than the threshold, then the sweep leaves it to its request', async () => {
    const { alice, wallet, token } = await setup();
    const charge = await recordPending(alice, wallet.id, token.id, 1200n);
    const before = charged();
    expect(await sweep()).toMatchObject({ claimed: 0 });
    expect(charged() - before).toBe(0);
    expect(await chargesOf(t, wallet.id)).toEqual([expect.objectContaining({ id: charge.id, status: 'pending' })]);
    const { rows } = await t.container.db.query<{ recovery_attempts: number }>('SELECT recovery_attempts FROM card_charges WHERE id = $1', [
      charge.id,
    ]);
    expect(rows[0]!.recovery_attempts).toBe(0);
  });

  it('after all of it, the ledger balances, the outcomes are counted, and no card number was logged', async () => {
    expect(await ledgerInvariants(t)).toMatchObject({
      totalBalance: 0n,
      unbalancedTransfers: 0,
      walletsWhoseBalanceDisagreesWithEntries: 0,
    });
    const metrics = (await t.http().get('/metrics')).text;
    expect(metrics).toMatch(/ocp_card_charge_recoveries_total\{outcome="credited"\} [1-9]/);
    expect(metrics).toMatch(/ocp_card_charge_recoveries_total\{outcome="declined"\} 1/);
    expect(metrics).toMatch(/ocp_card_charge_recoveries_total\{outcome="abandoned"\} 1/);
    expect(t.logs.text()).not.toContain(TEST_CARDS.approved);
    expect(t.logs.text()).not.toContain(TEST_CARDS.declined);
  });
});

/** Stripe through the local fake: a charge that went through after OCP stopped waiting for it. */
describe('card charge recovery (Stripe, answer lost to a timeout)', () => {
  const stripe = fakeStripe('sk_test_r');
  let t: TestApp;
  beforeAll(async () => {
    await stripe.start();
    t = await startTestApp({
      TOKEN_PROVIDER: 'stripe',
      PAYMENT_PROCESSOR: 'stripe',
      STRIPE_API_URL: stripe.url,
      STRIPE_SECRET_KEY: 'sk_test_r',
      PROVIDER_TIMEOUT_MS: '300',
      PROVIDER_RETRIES_MAX: '0',
    });
  });
  afterAll(async () => {
    await t.close();
    await stripe.stop();
  });

  it('when Stripe charges after the request timed out, then the sweep gets the same payment intent back and credits it once', async () => {
    const alice = await registerUser(t);
    const wallet = await createWallet(t, alice);
    const token = await createCardToken(t, alice.auth);
    let release!: () => void;
    stripe.state.gate = new Promise<void>((resolve) => (release = resolve));
    const res = await fundWithCard(t, alice.auth, wallet.id, { tokenId: token.id, amount: '5300' });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('processor_unavailable');
    const [charge] = await chargesOf(t, wallet.id);
    expect(charge!.status).toBe('pending');

    // Stripe goes on and charges the card, but nobody is listening any more.
    stripe.state.gate = undefined;
    release();
    while (stripe.state.intentsCreated === 0) await new Promise((r) => setTimeout(r, 10));

    await t.container.db.query(`UPDATE card_charges SET updated_at = updated_at - interval '10 minutes' WHERE id = $1`, [charge!.id]);
    expect(await t.container.funding.chargeRecovery.runOnce()).toMatchObject({ claimed: 1, credited: 1 });
    expect(stripe.state.intentsCreated).toBe(1);
    const asked = stripe.requests.filter((r) => r.path === '/v1/payment_intents').map((r) => r.headers['idempotency-key']);
    expect(asked).toEqual([charge!.id, charge!.id]);
    expect(await balanceOf(t, wallet.id)).toBe(5300n);
    expect(await ledgerInvariants(t)).toMatchObject({
      totalBalance: 0n,
      unbalancedTransfers: 0,
      walletsWhoseBalanceDisagreesWithEntries: 0,
    });
  });
});
