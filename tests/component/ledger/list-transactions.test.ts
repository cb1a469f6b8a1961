import { createWallet, fund, transfer } from '../../support/ledger';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

describe('GET /api/v1/wallets/:id/transactions and /transactions/:id', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('when a wallet has history, then pages come newest first, without gaps or repeats, and filters apply', async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const from = await createWallet(t, alice);
    const to = await createWallet(t, bob);
    await fund(t, from.id, 10_000);
    for (let i = 1; i <= 7; i++) await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: String(i) });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { data: { id: string }[]; nextCursor: string | null } } = await t
        .http()
        .get(`/api/v1/wallets/${from.id}/transactions?limit=3${cursor ? `&cursor=${cursor}` : ''}`)
        .set(alice.auth);
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((x: { id: string }) => x.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(8); // 7 transfers and the funding adjustment
    expect(new Set(seen).size).toBe(8);

    const all = await t.http().get(`/api/v1/wallets/${from.id}/transactions?limit=100`).set(alice.auth);
    const times = all.body.data.map((x: { createdAt: string }) => x.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect(all.body.data[0]).toMatchObject({ type: 'transfer', direction: 'debit', amount: '7', status: 'completed' });

    const adjustments = await t.http().get(`/api/v1/wallets/${from.id}/transactions?type=adjustment`).set(alice.auth);
    expect(adjustments.body.data).toHaveLength(1);
    const future = await t
      .http()
      .get(`/api/v1/wallets/${from.id}/transactions?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)
      .set(alice.auth);
    expect(future.body.data).toHaveLength(0);
    const reversed = await t.http().get(`/api/v1/wallets/${from.id}/transactions?status=reversed`).set(alice.auth);
    expect(reversed.body.data).toHaveLength(0);
  });

  it('when the query is malformed, then 400 naming the field', async () => {
    const alice = await registerUser(t);
    const wallet = await createWallet(t, alice);
    for (const q of ['limit=0', 'limit=101', 'cursor=garbage', 'status=done', 'from=yesterday', 'offset=10']) {
      const res = await t.http().get(`/api/v1/wallets/${wallet.id}/transactions?${q}`).set(alice.auth);
      expect(res.status).toBe(400);
      expect(res.body.error.details.fields[0].field).toMatch(/^query/);
    }
  });

  it('when limit is spelled otherwise than in decimal digits, then 400 naming it, though a number reader would take it', async () => {
    const alice = await registerUser(t);
    const wallet = await createWallet(t, alice);
    for (const q of ['limit=1e1', 'limit=0x10', 'limit=%205', 'limit=5.0', 'limit=', 'limit=1&limit=2', 'limit=0b11', 'limit=+5']) {
      const res = await t.http().get(`/api/v1/wallets/${wallet.id}/transactions?${q}`).set(alice.auth);
      expect({ q, status: res.status }).toEqual({ q, status: 400 });
      expect(res.body.error.details.fields[0]).toMatchObject({ field: 'query.limit' });
    }
    const ok = await t.http().get(`/api/v1/wallets/${wallet.id}/transactions?limit=010`).set(alice.auth);
    expect(ok.status).toBe(200);
  });

  it("when a user asks for someone else's transaction, then 404", async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const carol = await registerUser(t);
    const from = await createWallet(t, alice);
    const to = await createWallet(t, bob);
    await fund(t, from.id, 100);
    const posted = await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: '10' });
    expect((await t.http().get(`/api/v1/transactions/${posted.body.debit.id}`).set(alice.auth)).status).toBe(200);
    expect((await t.http().get(`/api/v1/transactions/${posted.body.credit.id}`).set(bob.auth)).status).toBe(200);
    expect((await t.http().get(`/api/v1/transactions/${posted.body.debit.id}`).set(carol.auth)).status).toBe(404);
  });
});
