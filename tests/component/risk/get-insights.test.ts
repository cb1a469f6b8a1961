import { randomUUID } from 'node:crypto';
import { createWallet, fund, transfer } from '../../support/ledger';
import { createCardToken, TEST_CARDS } from '../../support/payments';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

const DAY = 86_400_000;

describe('GET /api/v1/wallets/:id/insights', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  /** Past payments, written as the ledger would have (the API posts only "now"). */
  async function pastPayment(from: string, to: string, amount: number, daysAgo: number, category: string) {
    const at = new Date(Date.now() - daysAgo * DAY);
    const id = `trf_${randomUUID()}`;
    await t.container.db.query(
      `INSERT INTO transfers (id, type, status, amount, currency, from_wallet_id, to_wallet_id, initiated_by, metadata, created_at)
       VALUES ($1, 'transfer', 'completed', $2, 'USD', $3, $4, 'test', $5, $6)`,
      [id, amount, from, to, JSON.stringify({ category }), at],
    );
    await t.container.db.query(
      `INSERT INTO transactions (id, transfer_id, wallet_id, amount, balance_after, currency, counterparty_wallet_id, created_at)
       VALUES ($1, $2, $3, $4, 0, 'USD', $5, $6), ($7, $2, $5, $8, 0, 'USD', $3, $6)`,
      [`txn_${randomUUID()}`, id, from, -amount, to, at, `txn_${randomUUID()}`, amount],
    );
  }

  it("when another user asks for a wallet's insights, then 404; the owner gets them", async () => {
    const alice = await registerUser(t);
    const mallory = await registerUser(t);
    const wallet = await createWallet(t, alice);
    expect((await t.http().get(`/api/v1/wallets/${wallet.id}/insights`).set(mallory.auth)).status).toBe(404);
    expect((await t.http().get('/api/v1/wallets/wal_nope/insights').set(alice.auth)).status).toBe(404);
    const own = await t.http().get(`/api/v1/wallets/${wallet.id}/insights`).set(alice.auth);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({
      walletId: wallet.id,
      spending: [],
      recurring: [],
      lowBalance: { autoTopUpThreshold: null, earlyTopUpStarted: false },
    });
  });

  it('when a weekly payment will take the balance under the auto top-up threshold, then it is found, projected, and the top-up starts early, once', async () => {
    const alice = await registerUser(t);
    const gym = await createWallet(t, await registerUser(t));
    const shop = await createWallet(t, await registerUser(t));
    const wallet = await createWallet(t, alice);
    await fund(t, wallet.id, 1_500);
    for (const daysAgo of [19, 12, 5]) await pastPayment(wallet.id, gym.id, 1_000, daysAgo, 'sport');
    expect(
      (await transfer(t, alice, { fromWalletId: wallet.id, toWalletId: shop.id, amount: '100', metadata: { category: 'food' } })).status,
    ).toBe(201);
    const token = await createCardToken(t, alice.auth, TEST_CARDS.approved);
    const rule = { enabled: true, threshold: '500', amount: '50', tokenId: token.id };
    expect((await t.http().put(`/api/v1/wallets/${wallet.id}/auto-top-up`).set(alice.auth).send(rule)).status).toBe(200);
    await t.container.funding.autoTopUp.idle();

    const res = await t.http().get(`/api/v1/wallets/${wallet.id}/insights`).set(alice.auth);
    expect(res.status).toBe(200);
    expect(res.body.recurring).toEqual([
      expect.objectContaining({ counterparty: gym.id, direction: 'out', cadence: 'weekly', amount: '1000', occurrences: 3 }),
    ]);
    // 1,400 now; the gym's 1,000 is due in 2 days (→ 400, under the threshold of 500) and 9 days (→ −600).
    expect(res.body.projection.days[0].balance).toBe('1400');
    expect(res.body.projection.days[2].balance).toBe('400');
    expect(res.body.projection.days[9].balance).toBe('-600');
    expect(res.body.lowBalance).toMatchObject({ autoTopUpThreshold: '500', lookaheadDays: 7, earlyTopUpStarted: true });
    const thisMonth = res.body.spending.at(-1);
    expect(thisMonth.byCategory).toEqual(expect.arrayContaining([{ category: 'food', amount: '100' }]));
    await t.container.funding.autoTopUp.idle();
    const balance = async () => (await t.http().get(`/api/v1/wallets/${wallet.id}`).set(alice.auth)).body.balance;
    expect(await balance()).toBe('1450');

    // Asked again, the forecast still under the threshold (1,450 → 450): no second top-up within a day.
    await t.http().get(`/api/v1/wallets/${wallet.id}/insights`).set(alice.auth);
    await t.container.funding.autoTopUp.idle();
    expect(await balance()).toBe('1450');
    const attempts = await t.container.db.query('SELECT 1 FROM auto_top_up_attempts WHERE wallet_id = $1', [wallet.id]);
    expect(attempts.rows).toHaveLength(1);
  });
});
