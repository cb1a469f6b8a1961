import { randomUUID } from 'node:crypto';
import { balanceOf, createWallet, fund, ledgerInvariants, transfer, type TestUser } from '../../support/ledger';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

/**
 * Multi-leg transactions racing ordinary transfers over the same wallets. PGlite runs one
 * transaction at a time, so this proves the locking only in the PostgreSQL pass (DATABASE_URL);
 * there, postings share groups, and refused units roll back their group and are taken out of it.
 */
describe('multi-leg transactions under concurrency', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('when 60 multi-leg transactions and 120 transfers run at once, some overdrawing, then money is conserved and refused units wrote nothing', async () => {
    const wallets: { id: string; owner: TestUser }[] = [];
    for (let i = 0; i < 6; i++) {
      const owner = await registerUser(t);
      const wallet = await createWallet(t, owner);
      await fund(t, wallet.id, 10_000);
      wallets.push({ id: wallet.id, owner });
    }
    const totalBefore = (await Promise.all(wallets.map((w) => balanceOf(t, w.id)))).reduce((a, b) => a + b, 0n);

    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31), seed % n);
    const other = (from: number) => (from + 1 + random(5)) % 6;
    // Whichever postings arrive first, most units fit in the balances, and every tenth cannot: its
    // last leg asks for more than all the wallets hold, so refusals happen in every order.
    let unitCount = 0;
    const multiLeg = () => {
      const from = random(6);
      const overdraws = unitCount++ % 10 === 9;
      const count = 2 + random(8);
      const legs = Array.from({ length: count }, (_, leg) => ({
        fromWalletId: wallets[from]!.id,
        toWalletId: wallets[other(from)]!.id,
        amount: String(overdraws && leg === count - 1 ? 100_000 : 1 + random(400)),
        currency: 'USD',
      }));
      return t.http().post('/api/v1/transactions').set(wallets[from]!.owner.auth).set('Idempotency-Key', randomUUID()).send({ legs });
    };
    const single = () => {
      const from = random(6);
      const body = { fromWalletId: wallets[from]!.id, toWalletId: wallets[other(from)]!.id, amount: String(1 + random(400)) };
      return transfer(t, wallets[from]!.owner, body);
    };
    const responses = await Promise.all(Array.from({ length: 180 }, (_, i) => (i % 3 === 0 ? multiLeg() : single())));

    const statuses = responses.map((r) => r.status);
    expect(statuses.every((s) => s === 201 || s === 422)).toBe(true);
    const units = responses.filter((_, i) => i % 3 === 0);
    const posted = units.filter((r) => r.status === 201);
    expect(posted.length).toBeGreaterThan(10);
    expect(units.filter((r) => r.status === 422).length).toBeGreaterThan(0);
    expect(responses.filter((r) => r.status === 422).length).toBeGreaterThan(0);

    // Every posted unit has all its legs, each with two entries; no refused unit left a leg behind.
    const { rows } = await t.container.db.query<{ journal_id: string; legs: number; entries: number }>(
      `SELECT t.journal_id, count(DISTINCT t.id)::int AS legs, count(e.id)::int AS entries
         FROM transfers t JOIN transactions e ON e.transfer_id = t.id
        WHERE t.type = 'multi_leg' GROUP BY t.journal_id`,
    );
    const legsOf = new Map(rows.map((r) => [r.journal_id, r]));
    expect(legsOf.size).toBe(posted.length);
    for (const r of posted) {
      expect(legsOf.get(r.body.id)).toEqual({ journal_id: r.body.id, legs: r.body.legs.length, entries: 2 * r.body.legs.length });
    }

    const totalAfter = (await Promise.all(wallets.map((w) => balanceOf(t, w.id)))).reduce((a, b) => a + b, 0n);
    expect(totalAfter).toBe(totalBefore);
    expect(await ledgerInvariants(t)).toEqual({
      totalBalance: 0n,
      unbalancedTransfers: 0,
      negativeUserWallets: 0,
      walletsWhoseBalanceDisagreesWithEntries: 0,
    });
  });
});
