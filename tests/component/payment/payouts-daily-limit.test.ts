import { balanceOf, createWallet, fund, ledgerInvariants } from '../../support/ledger';
import { createCardToken } from '../../support/payments';
import { createPayout, PAYOUT_CARDS, settledPayout } from '../../support/payouts';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

/** The per-user daily payout limit, per currency, under concurrent payouts (truly parallel on PostgreSQL). */
describe('payout daily limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ PAYOUT_DAILY_LIMIT_MINOR: '1000', PAYOUT_DAILY_LIMITS: 'JPY:50' });
  });
  afterAll(() => t.close());

  async function user(currency = 'USD') {
    const u = await registerUser(t);
    const wallets = [await createWallet(t, u, currency), await createWallet(t, u, currency)];
    for (const w of wallets) await fund(t, w.id, 5000);
    const card = await createCardToken(t, u.auth);
    return { u, wallets, card };
  }

  it('when many payouts race past the limit, then exactly those within it go through and the rest are 422 with nothing debited', async () => {
    const { u, wallets, card } = await user();
    // 12 × 300 across two wallets of one user: only 3 fit in 1000.
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        createPayout(t, u.auth, { walletId: wallets[i % 2]!.id, amount: '300', destination: { type: 'card', tokenId: card.id } }),
      ),
    );
    const created = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 422);
    expect(created).toHaveLength(3);
    expect(refused).toHaveLength(9);
    for (const r of refused) {
      expect(r.body.error).toMatchObject({ code: 'payout_daily_limit_exceeded', details: { dailyLimitMinor: '1000' } });
    }
    await t.container.payouts.processing.idle();
    const left = (await balanceOf(t, wallets[0]!.id)) + (await balanceOf(t, wallets[1]!.id));
    expect(left).toBe(10_000n - 900n);
    const { rows } = await t.container.db.query<{ n: string }>('SELECT count(*)::text AS n FROM payouts WHERE user_id = $1', [u.id]);
    expect(rows[0]!.n).toBe('3');

    // 100 is left today; another user and another currency have limits of their own.
    expect(
      (await createPayout(t, u.auth, { walletId: wallets[0]!.id, amount: '101', destination: { type: 'card', tokenId: card.id } })).status,
    ).toBe(422);
    expect(
      (await createPayout(t, u.auth, { walletId: wallets[0]!.id, amount: '100', destination: { type: 'card', tokenId: card.id } })).status,
    ).toBe(201);
    const other = await user();
    expect(
      (
        await createPayout(t, other.u.auth, {
          walletId: other.wallets[0]!.id,
          amount: '1000',
          destination: { type: 'card', tokenId: other.card.id },
        })
      ).status,
    ).toBe(201);
  });

  it('when a payout fails, then its amount no longer counts against the day', async () => {
    const { u, wallets } = await user();
    const failing = await createCardToken(t, u.auth, PAYOUT_CARDS.failing);
    const good = await createCardToken(t, u.auth);
    const res = await createPayout(t, u.auth, {
      walletId: wallets[0]!.id,
      amount: '1000',
      destination: { type: 'card', tokenId: failing.id },
    });
    expect(res.status).toBe(201);
    expect(await settledPayout(t, u.auth, res.body.id)).toMatchObject({ status: 'failed' });
    const again = await createPayout(t, u.auth, {
      walletId: wallets[0]!.id,
      amount: '1000',
      destination: { type: 'card', tokenId: good.id },
    });
    expect(again.status).toBe(201);
  });

  it('when a currency has its own limit, then that one applies', async () => {
    const { u, wallets, card } = await user('JPY');
    const over = await createPayout(t, u.auth, { walletId: wallets[0]!.id, amount: '51', destination: { type: 'card', tokenId: card.id } });
    expect(over.body.error).toMatchObject({ code: 'payout_daily_limit_exceeded', details: { dailyLimitMinor: '50' } });
    expect(
      (await createPayout(t, u.auth, { walletId: wallets[0]!.id, amount: '50', destination: { type: 'card', tokenId: card.id } })).status,
    ).toBe(201);
    await t.container.payouts.processing.idle();
    expect(await ledgerInvariants(t)).toMatchObject({
      totalBalance: 0n,
      unbalancedTransfers: 0,
      walletsWhoseBalanceDisagreesWithEntries: 0,
    });
  });
});
