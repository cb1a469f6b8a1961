import { newId } from '../../../src/infra/crypto/ids';
import { balanceOf, createWallet, fund, ledgerInvariants, transfer } from '../../support/ledger';
import { createCardToken, sandbox, TEST_CARDS } from '../../support/payments';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

describe('auto top-up', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const idle = () => t.container.funding.autoTopUp.idle();

  async function setup(opts: { card?: string; balance?: number; threshold?: string; amount?: string } = {}) {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const wallet = await createWallet(t, alice);
    const sink = await createWallet(t, bob);
    if (opts.balance) await fund(t, wallet.id, opts.balance);
    const token = await createCardToken(t, alice.auth, opts.card ?? TEST_CARDS.approved);
    const rule = { enabled: true, threshold: opts.threshold ?? '500', amount: opts.amount ?? '1000', tokenId: token.id };
    const res = await t.http().put(`/api/v1/wallets/${wallet.id}/auto-top-up`).set(alice.auth).send(rule);
    expect(res.status).toBe(200);
    await idle();
    return { alice, bob, wallet, sink, token, rule };
  }

  const attempts = async (walletId: string) =>
    (
      await t.container.db.query<{ status: string; failure_code: string | null; amount: string; balance_before: string }>(
        'SELECT status, failure_code, amount::text, balance_before::text FROM auto_top_up_attempts WHERE wallet_id = $1 ORDER BY created_at',
        [walletId],
      )
    ).rows;

  it('when the rule is saved, then GET shows it; another user gets 404; a bad body gets 400', async () => {
    const { alice, bob, wallet, token } = await setup({ balance: 2000 });
    const res = await t.http().get(`/api/v1/wallets/${wallet.id}/auto-top-up`).set(alice.auth);
    expect(res.body).toMatchObject({
      walletId: wallet.id,
      enabled: true,
      threshold: '500',
      amount: '1000',
      tokenId: token.id,
      consecutiveFailures: 0,
    });
    expect((await t.http().get(`/api/v1/wallets/${wallet.id}/auto-top-up`).set(bob.auth)).status).toBe(404);
    const bad = await t
      .http()
      .put(`/api/v1/wallets/${wallet.id}/auto-top-up`)
      .set(alice.auth)
      .send({ enabled: true, threshold: '-1', amount: '0', tokenId: token.id });
    expect(bad.status).toBe(400);
  });

  it("when the rule names someone else's token, then 404 token_not_found", async () => {
    const { wallet, alice } = await setup({ balance: 2000 });
    const mallory = await registerUser(t);
    const theirs = await createCardToken(t, mallory.auth);
    const res = await t
      .http()
      .put(`/api/v1/wallets/${wallet.id}/auto-top-up`)
      .set(alice.auth)
      .send({ enabled: true, threshold: '1', amount: '1', tokenId: theirs.id });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('token_not_found');
  });

  it('when 20 concurrent debits take the balance below the threshold, then exactly one top-up charge runs', async () => {
    const { alice, wallet, sink } = await setup({ balance: 1000 });
    const before = sandbox(t).chargesMade;
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => transfer(t, alice, { fromWalletId: wallet.id, toWalletId: sink.id, amount: '30' })),
    );
    expect(responses.every((r) => r.status === 201)).toBe(true);
    await idle();
    expect(sandbox(t).chargesMade - before).toBe(1);
    const done = await attempts(wallet.id);
    expect(done).toEqual([expect.objectContaining({ status: 'succeeded', amount: '1000' })]);
    expect(BigInt(done[0]!.balance_before)).toBeLessThan(500n);
    expect(await balanceOf(t, wallet.id)).toBe(1000n - 600n + 1000n);
    expect(await ledgerInvariants(t)).toMatchObject({
      totalBalance: 0n,
      unbalancedTransfers: 0,
      walletsWhoseBalanceDisagreesWithEntries: 0,
    });
    const history = await t.http().get(`/api/v1/wallets/${wallet.id}/transactions?type=auto_top_up`).set(alice.auth);
    expect(history.body.data).toHaveLength(1);
  });

  it('when a debit leaves the balance at or above the threshold, then nothing is charged', async () => {
    const { alice, wallet, sink } = await setup({ balance: 1000 });
    const before = sandbox(t).chargesMade;
    await transfer(t, alice, { fromWalletId: wallet.id, toWalletId: sink.id, amount: '500' });
    await idle();
    expect(sandbox(t).chargesMade).toBe(before);
    expect(await attempts(wallet.id)).toEqual([]);
  });

  it('when a wallet without a rule was debited, then a rule saved afterwards still tops it up at the next debit', async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const wallet = await createWallet(t, alice);
    const sink = await createWallet(t, bob);
    await fund(t, wallet.id, 1000);
    // The first debit finds no rule; the service remembers that, and saving the rule must forget it.
    await transfer(t, alice, { fromWalletId: wallet.id, toWalletId: sink.id, amount: '100' });
    await idle();
    const token = await createCardToken(t, alice.auth, TEST_CARDS.approved);
    const rule = { enabled: true, threshold: '500', amount: '1000', tokenId: token.id };
    expect((await t.http().put(`/api/v1/wallets/${wallet.id}/auto-top-up`).set(alice.auth).send(rule)).status).toBe(200);
    await idle();
    expect(await attempts(wallet.id)).toEqual([]);
    await transfer(t, alice, { fromWalletId: wallet.id, toWalletId: sink.id, amount: '500' });
    await idle();
    expect(await attempts(wallet.id)).toEqual([expect.objectContaining({ status: 'succeeded', balance_before: '400' })]);
    expect(await balanceOf(t, wallet.id)).toBe(1400n);
  });

  it('when a top-up died mid-charge, then later debits start no second charge and the charge sweeper finishes the first once', async () => {
    const { alice, wallet, sink, token } = await setup({ balance: 1000 });
    // The process died after recording the top-up's charge and before asking the processor.
    const { charge } = await t.container.funding.charges.claim({
      id: newId('chg'),
      scope: 'system:auto_top_up',
      idempotencyKey: newId('atu'),
      purpose: 'auto_top_up',
      walletId: wallet.id,
      tokenId: token.id,
      amount: 1000n,
      currency: 'USD',
      processor: 'sandbox',
    });
    await t.container.db.query(
      `UPDATE card_charges SET created_at = created_at - interval '10 minutes', updated_at = updated_at - interval '10 minutes' WHERE id = $1`,
      [charge.id],
    );
    const before = sandbox(t).chargesMade;
    await transfer(t, alice, { fromWalletId: wallet.id, toWalletId: sink.id, amount: '600' });
    await idle();
    expect(sandbox(t).chargesMade).toBe(before);
    expect(await attempts(wallet.id)).toEqual([]);
    expect(await t.container.funding.chargeRecovery.runOnce()).toMatchObject({ credited: 1 });
    expect(sandbox(t).chargesMade).toBe(before + 1);
    expect(await balanceOf(t, wallet.id)).toBe(1400n);
  });

  it('when the card keeps being declined, then each failure is recorded, the rule disables itself after 3 and tells the owner', async () => {
    const { alice, wallet, sink } = await setup({ balance: 1000, card: TEST_CARDS.declined });
    const hook = await t
      .http()
      .post('/api/v1/webhooks')
      .set(alice.auth)
      .send({ url: 'http://127.0.0.1:9/hook', events: ['auto_top_up.disabled'] });
    expect(hook.status).toBe(201);
    const told: unknown[] = [];
    const unsubscribe = t.container.events.subscribe('auto_top_up.disabled', (e) => void told.push(e.data));
    try {
      // 1000 -> 100 in steps of 100: the 6th, 7th, 8th and 9th debits leave it below 500.
      for (let i = 0; i < 9; i++) {
        expect((await transfer(t, alice, { fromWalletId: wallet.id, toWalletId: sink.id, amount: '100' })).status).toBe(201);
        await idle();
      }
    } finally {
      unsubscribe();
    }
    const done = await attempts(wallet.id);
    expect(done).toHaveLength(3);
    expect(done.every((a) => a.status === 'failed' && a.failure_code === 'card_declined:generic_decline')).toBe(true);
    expect(await balanceOf(t, wallet.id)).toBe(100n);
    const rule = await t.http().get(`/api/v1/wallets/${wallet.id}/auto-top-up`).set(alice.auth);
    expect(rule.body).toMatchObject({ enabled: false, consecutiveFailures: 3, disabledReason: 'card_declined:generic_decline' });
    expect(told).toEqual([{ walletId: wallet.id, consecutiveFailures: 3, lastFailureCode: 'card_declined:generic_decline' }]);
    const deliveries = await t.container.db.query(
      "SELECT 1 FROM webhook_deliveries WHERE endpoint_id = $1 AND event_type = 'auto_top_up.disabled'",
      [hook.body.id],
    );
    expect(deliveries.rowCount).toBe(1);

    // Saving the rule again with a good card re-enables it, and the next debit tops up.
    const good = await createCardToken(t, alice.auth);
    await t
      .http()
      .put(`/api/v1/wallets/${wallet.id}/auto-top-up`)
      .set(alice.auth)
      .send({ enabled: true, threshold: '500', amount: '1000', tokenId: good.id });
    await idle();
    expect(await balanceOf(t, wallet.id)).toBe(1100n);
  });

  it('when the rule is disabled, then debits below the threshold charge nothing', async () => {
    const { alice, wallet, sink, rule } = await setup({ balance: 1000 });
    await t
      .http()
      .put(`/api/v1/wallets/${wallet.id}/auto-top-up`)
      .set(alice.auth)
      .send({ ...rule, enabled: false });
    const before = sandbox(t).chargesMade;
    await transfer(t, alice, { fromWalletId: wallet.id, toWalletId: sink.id, amount: '900' });
    await idle();
    expect(sandbox(t).chargesMade).toBe(before);
  });
});
