import { randomUUID } from 'node:crypto';
import { balanceOf, createWallet, fund, ledgerInvariants, type TestUser } from '../../support/ledger';
import { loginAdmin, registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { createWebhook, startWebhookReceiver } from '../../support/webhook-receiver';

type Leg = { fromWalletId: string; toWalletId: string; amount: string; currency: string };

describe('POST /api/v1/transactions (multi-leg)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const post = (user: TestUser, body: Record<string, unknown>, key: string = randomUUID()) =>
    t.http().post('/api/v1/transactions').set(user.auth).set('Idempotency-Key', key).send(body);
  const leg = (from: string, to: string, amount: number, currency = 'USD'): Leg => ({
    fromWalletId: from,
    toWalletId: to,
    amount: String(amount),
    currency,
  });
  const counts = async () => {
    const { rows } = await t.container.db.query<{ entries: number; transfers: number }>(
      'SELECT (SELECT count(*)::int FROM transactions) AS entries, (SELECT count(*)::int FROM transfers) AS transfers',
    );
    return rows[0]!;
  };

  /** A buyer with a funded wallet and three other users' wallets: seller, platform fee, tax. */
  async function marketplace(funds = 100_000) {
    const buyer = await registerUser(t);
    const seller = await registerUser(t);
    const platform = await registerUser(t);
    const source = await createWallet(t, buyer);
    const sellerWallet = await createWallet(t, seller);
    const feeWallet = await createWallet(t, platform);
    const taxWallet = await createWallet(t, platform);
    await fund(t, source.id, funds);
    return { buyer, seller, platform, source: source.id, sellerId: sellerWallet.id, fee: feeWallet.id, tax: taxWallet.id };
  }

  it('when 50 legs are posted, then all 100 entries are written under one mlt_ id and every balance is right', async () => {
    const m = await marketplace();
    const destinations = [m.sellerId, m.fee, m.tax];
    const legs = Array.from({ length: 50 }, (_, i) => leg(m.source, destinations[i % 3]!, 100 + i));
    const res = await post(m.buyer, { legs, description: 'order 42', metadata: { orderId: 'ord_42' } });

    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^mlt_/);
    expect(res.body.status).toBe('completed');
    expect(res.body.legs).toHaveLength(50);
    expect(res.body.legs.map((l: { leg: number }) => l.leg)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const { rows } = await t.container.db.query<{ n: number; legs: number; sum: string }>(
      `SELECT count(*)::int AS n, count(DISTINCT t.id)::int AS legs, sum(e.amount)::text AS sum
         FROM transfers t JOIN transactions e ON e.transfer_id = t.id WHERE t.journal_id = $1`,
      [res.body.id],
    );
    expect(rows[0]).toEqual({ n: 100, legs: 50, sum: '0' });
    const due = (k: number) => legs.filter((_, i) => i % 3 === k).reduce((s, l) => s + BigInt(l.amount), 0n);
    expect(await balanceOf(t, m.sellerId)).toBe(due(0));
    expect(await balanceOf(t, m.fee)).toBe(due(1));
    expect(await balanceOf(t, m.tax)).toBe(due(2));
    expect(await balanceOf(t, m.source)).toBe(100_000n - due(0) - due(1) - due(2));
    const legRows = await t.container.db.query<{ type: string; description: string; metadata: unknown }>(
      'SELECT DISTINCT type, description, metadata FROM transfers WHERE journal_id = $1',
      [res.body.id],
    );
    expect(legRows.rows).toEqual([{ type: 'multi_leg', description: 'order 42', metadata: { orderId: 'ord_42' } }]);
    expect(await ledgerInvariants(t)).toMatchObject({ unbalancedTransfers: 0, walletsWhoseBalanceDisagreesWithEntries: 0 });

    const read = await t.http().get(`/api/v1/transactions/multi-leg/${res.body.id}`).set(m.buyer.auth);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
  });

  it('when 51 legs are sent, then 400 naming body.legs and nothing is written', async () => {
    const m = await marketplace();
    const before = await counts();
    const res = await post(m.buyer, { legs: Array.from({ length: 51 }, () => leg(m.source, m.sellerId, 1)) });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['body.legs']);
    expect(await counts()).toEqual(before);
  });

  it('when only one leg is sent, then 400', async () => {
    const m = await marketplace();
    const res = await post(m.buyer, { legs: [leg(m.source, m.sellerId, 1)] });
    expect(res.status).toBe(400);
  });

  it('when leg 37 overdraws, then 422 insufficient_funds naming leg 37, and no leg is written', async () => {
    const m = await marketplace(1_000);
    const legs = Array.from({ length: 50 }, (_, i) => leg(m.source, m.sellerId, i === 37 ? 300 : 20));
    // 37 legs of 20 leave 260: leg 37 asks 300.
    const before = await counts();
    const res = await post(m.buyer, { legs });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('insufficient_funds');
    expect(res.body.error.details).toEqual({ leg: 37 });
    expect(await counts()).toEqual(before);
    expect(await balanceOf(t, m.source)).toBe(1_000n);
    expect(await balanceOf(t, m.sellerId)).toBe(0n);
  });

  it('when a wallet receives in one leg and sends in a later one, then the later leg may spend what the earlier brought', async () => {
    const m = await marketplace(500);
    const relay = await createWallet(t, m.buyer);
    const res = await post(m.buyer, { legs: [leg(m.source, relay.id, 400), leg(relay.id, m.sellerId, 400)] });
    expect(res.status).toBe(201);
    expect(await balanceOf(t, relay.id)).toBe(0n);
    expect(await balanceOf(t, m.sellerId)).toBe(400n);

    // The other order: the relay holds nothing when its leg comes first.
    const before = await counts();
    const refused = await post(m.buyer, { legs: [leg(relay.id, m.sellerId, 50), leg(m.source, relay.id, 50)] });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toEqual({ leg: 0 });
    expect(await counts()).toEqual(before);
  });

  it('when a leg fails a check (frozen, currency, unknown, not owned, same wallet), then the answer names that leg and nothing moves', async () => {
    const m = await marketplace();
    const frozen = await createWallet(t, m.seller);
    const patched = await t.http().patch(`/api/v1/wallets/${frozen.id}`).set(m.seller.auth).send({ status: 'frozen' });
    expect(patched.status).toBe(200);
    const euro = await createWallet(t, m.seller, 'EUR');
    const sellersOwn = await createWallet(t, m.seller);
    await fund(t, sellersOwn.id, 1_000);
    const ok = leg(m.source, m.sellerId, 10);
    const cases: Array<[Leg, number, string]> = [
      [leg(m.source, frozen.id, 10), 409, 'wallet_not_active'],
      [leg(m.source, euro.id, 10), 400, 'currency_mismatch'],
      [leg(m.source, m.sellerId, 10, 'EUR'), 400, 'currency_mismatch'],
      [leg(m.source, 'wal_doesnotexist', 10), 404, 'wallet_not_found'],
      [leg(sellersOwn.id, m.fee, 10), 404, 'wallet_not_found'],
      [leg(m.source, m.source, 10), 400, 'same_wallet'],
    ];
    const before = await counts();
    for (const [bad, status, code] of cases) {
      const res = await post(m.buyer, { legs: [ok, ok, bad, ok] });
      expect([res.status, res.body.error.code, res.body.error.details.leg]).toEqual([status, code, 2]);
    }
    expect(await counts()).toEqual(before);
    expect(await balanceOf(t, m.source)).toBe(100_000n);
    expect(await balanceOf(t, sellersOwn.id)).toBe(1_000n);
  });

  it('when the same key and body come again, then the first reply is replayed and the legs are posted once', async () => {
    const m = await marketplace(1_000);
    const body = { legs: [leg(m.source, m.sellerId, 90), leg(m.source, m.fee, 10)], metadata: { orderId: 'ord_replay' } };
    const key = randomUUID();
    const first = await post(m.buyer, body, key);
    const again = await post(m.buyer, body, key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.text).toBe(first.text);
    expect(await balanceOf(t, m.source)).toBe(900n);
    const other = await post(m.buyer, { ...body, legs: [leg(m.source, m.sellerId, 91), leg(m.source, m.fee, 10)] }, key);
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_conflict');
    expect(await balanceOf(t, m.source)).toBe(900n);
  });

  it('when a party reads the transaction, then it sees only the legs on its wallets; a stranger gets 404', async () => {
    const m = await marketplace(1_000);
    const res = await post(m.buyer, { legs: [leg(m.source, m.sellerId, 90), leg(m.source, m.fee, 7), leg(m.source, m.tax, 3)] });
    expect(res.status).toBe(201);
    const path = `/api/v1/transactions/multi-leg/${res.body.id}`;

    const seller = await t.http().get(path).set(m.seller.auth);
    expect(seller.status).toBe(200);
    expect(seller.body.legs).toEqual([res.body.legs[0]]);
    const platform = await t.http().get(path).set(m.platform.auth);
    expect(platform.body.legs.map((l: { leg: number }) => l.leg)).toEqual([1, 2]);

    // An operator on the customers' routes is a stranger like any other.
    for (const stranger of [(await registerUser(t)).auth, (await loginAdmin(t)).auth]) {
      const hidden = await t.http().get(path).set(stranger);
      expect(hidden.status).toBe(404);
      expect(hidden.body.error.code).toBe('transaction_not_found');
    }
    expect((await t.http().get('/api/v1/transactions/multi-leg/mlt_nothing').set(m.buyer.auth)).status).toBe(404);
    // GET /transactions/{id} still reads one entry.
    const entry = await t.http().get(`/api/v1/wallets/${m.sellerId}/transactions`).set(m.seller.auth);
    const one = await t.http().get(`/api/v1/transactions/${entry.body.data[0].id}`).set(m.seller.auth);
    expect([one.status, one.body.transferId, one.body.type]).toEqual([200, res.body.legs[0].transferId, 'multi_leg']);
  });

  it('when the receiver of one leg refunds it, then that leg alone is sent back, as a linked refund', async () => {
    const m = await marketplace(1_000);
    const res = await post(m.buyer, { legs: [leg(m.source, m.sellerId, 60), leg(m.source, m.fee, 40)] });
    const history = await t.http().get(`/api/v1/wallets/${m.sellerId}/transactions`).set(m.seller.auth);
    const refund = await t
      .http()
      .post(`/api/v1/transactions/${history.body.data[0].id}/refund`)
      .set(m.seller.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ amount: '25', reason: 'damaged' });
    expect(refund.status).toBe(201);
    expect(refund.body.transfer.refundOf).toBe(res.body.legs[0].transferId);
    expect(await balanceOf(t, m.source)).toBe(1_000n - 100n + 25n);
    expect(await balanceOf(t, m.fee)).toBe(40n);
  });

  it('when legs are posted, then each party hears transfer.completed and balance.changed per leg on its wallets', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const m = await marketplace(1_000);
      for (const user of [m.buyer, m.seller, m.platform])
        await createWebhook(t, user.auth, receiver.url, ['transfer.completed', 'balance.changed']);
      const res = await post(m.buyer, { legs: [leg(m.source, m.sellerId, 60), leg(m.source, m.fee, 40)] });
      expect(res.status).toBe(201);
      await t.container.webhooks.worker.runOnce();
      const [toSeller, toFee] = res.body.legs.map((l: { transferId: string }) => l.transferId);
      const told = receiver.received.map((r) => `${r.body.type}:${String(r.body.data.walletId ?? r.body.data.transferId)}`);
      expect(told.sort()).toEqual(
        [
          `transfer.completed:${toSeller}`, // buyer
          `transfer.completed:${toSeller}`, // seller
          `transfer.completed:${toFee}`, // buyer
          `transfer.completed:${toFee}`, // platform
          `balance.changed:${m.source}`,
          `balance.changed:${m.source}`,
          `balance.changed:${m.sellerId}`,
          `balance.changed:${m.fee}`,
        ].sort(),
      );
    } finally {
      await receiver.close();
    }
  });
});
