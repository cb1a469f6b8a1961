import fc from 'fast-check';
import { newId } from '../../../src/infra/crypto/ids';
import { sqlOf } from '../../../src/infra/db/database';
import { BALANCE_BEFORE_SQL } from '../../../src/modules/ledger/adapters/sql-balance-history.repository';
import { SqlLedgerRepository } from '../../../src/modules/ledger/adapters/sql-ledger.repository';
import type { PostTransferCommand } from '../../../src/modules/ledger/ledger.repository';
import { createWallet, fund, transfer, type TestUser } from '../../support/ledger';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

/**
 * GET /wallets/:id/balance?at= against a replay of the postings: the balance at t is the sum of
 * the wallet's entries stamped at or before t. Seeded (OCP_PROPERTY_SEED overrides) and bounded.
 */
const SEED = Number(process.env.OCP_PROPERTY_SEED ?? 20261206);
const RUNS = 8;
const STEPS = 12;

describe('balance at a point in time', () => {
  let t: TestApp;
  let owner: TestUser;
  beforeAll(async () => {
    t = await startTestApp();
    owner = await registerUser(t);
  });
  afterAll(() => t.close());

  const balanceAt = (walletId: string, at?: string, auth = owner.auth) =>
    t
      .http()
      .get(`/api/v1/wallets/${walletId}/balance`)
      .query(at === undefined ? {} : { at })
      .set(auth);

  /** The wallet's entries as the database stamped them: the replay's input. */
  async function entriesOf(walletId: string) {
    const { rows } = await t.container.db.query<{ amount: bigint; created_at: Date }>(
      'SELECT amount, created_at FROM transactions WHERE wallet_id = $1 ORDER BY created_at, seq',
      [walletId],
    );
    return rows;
  }

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('when random postings are made, then the balance at random instants equals a replay of the postings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ amount: fc.bigInt({ min: 1n, max: 5_000n }), outgoing: fc.boolean(), pauseMs: fc.integer({ min: 0, max: 3 }) }),
          {
            minLength: 1,
            maxLength: STEPS,
          },
        ),
        fc.array(fc.double({ min: -0.1, max: 1.1, noNaN: true }), { minLength: 5, maxLength: 10 }),
        async (steps, fractions) => {
          const wallet = (await createWallet(t, owner)).id;
          const other = (await createWallet(t, owner)).id;
          await fund(t, other, 1_000_000n);
          for (const step of steps) {
            const [from, to] = step.outgoing ? [wallet, other] : [other, wallet];
            const res = await transfer(t, owner, { fromWalletId: from, toWalletId: to, amount: step.amount.toString() });
            expect([201, 422]).toContain(res.status); // 422: the wallet had too little for this outgoing step
            await sleep(step.pauseMs);
          }
          const entries = await entriesOf(wallet);
          const replay = (at: number) => entries.filter((e) => e.created_at.getTime() <= at).reduce((sum, e) => sum + e.amount, 0n);
          const first = entries[0]?.created_at.getTime() ?? Date.now();
          const last = entries[entries.length - 1]?.created_at.getTime() ?? Date.now();
          // Random instants over the wallet's life, and each entry's own instant and the ms either side.
          const instants = fractions.map((f) => Math.round(first + f * (last - first)));
          for (const e of entries) instants.push(e.created_at.getTime() - 1, e.created_at.getTime(), e.created_at.getTime() + 1);
          for (const at of instants.filter((ms) => ms <= Date.now())) {
            const res = await balanceAt(wallet, new Date(at).toISOString());
            expect(res.status).toBe(200);
            expect(res.body.balance).toBe(replay(at).toString());
          }
          const now = await balanceAt(wallet);
          expect(now.body.balance).toBe(replay(Date.now()).toString());
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('when one posting group touches a wallet several times, then seq keeps posting order and the balance at that instant is the last one', async () => {
    const wallet = (await createWallet(t, owner)).id;
    const other = (await createWallet(t, owner)).id;
    await fund(t, other, 10_000n);
    const ledger = new SqlLedgerRepository(t.container.db);
    const command = (from: string, to: string, amount: bigint): PostTransferCommand => ({
      transferId: newId('trf'),
      type: 'transfer',
      fromWalletId: from,
      toWalletId: to,
      amount,
      currency: 'USD',
      debitEntryId: newId('txn'),
      creditEntryId: newId('txn'),
      description: null,
      initiatedBy: owner.id,
      refundOf: null,
      metadata: {},
    });
    // In, out, in, out: any other order of the group's rows would break the balance chain below.
    const amounts = [700n, -300n, 900n, -1_200n, 50n];
    const commands = amounts.map((a) => (a > 0n ? command(other, wallet, a) : command(wallet, other, -a)));
    const outcomes = await t.container.db.transaction((tx) => ledger.postTransfers(tx, commands));
    expect(outcomes.every((o) => !('refusal' in o))).toBe(true);

    const { rows } = await t.container.db.query<{ amount: bigint; balance_after: bigint; created_at: Date }>(
      'SELECT amount, balance_after, created_at FROM transactions WHERE wallet_id = $1 ORDER BY created_at, seq',
      [wallet],
    );
    expect(rows.map((r) => r.amount)).toEqual(amounts);
    let running = 0n;
    for (const row of rows) {
      running += row.amount;
      expect(row.balance_after).toBe(running);
    }
    expect(new Set(rows.map((r) => r.created_at.getTime())).size).toBe(1);
    const at = rows[0]!.created_at;
    expect((await balanceAt(wallet, at.toISOString())).body.balance).toBe('150');
    expect((await balanceAt(wallet, new Date(at.getTime() - 1).toISOString())).body.balance).toBe('0');
  });

  // PGlite runs one transaction at a time, so only PostgreSQL can make a posting wait for a lock.
  const onPostgres = process.env.DATABASE_URL ? it : it.skip;
  onPostgres(
    'when a posting waits for the wallet behind a later transaction, then it is stamped after it and balances stay in order',
    async () => {
      const wallet = (await createWallet(t, owner)).id;
      const other = (await createWallet(t, owner)).id;
      await fund(t, other, 10_000n);
      const ledger = new SqlLedgerRepository(t.container.db);
      const credit = (amount: bigint): PostTransferCommand => ({
        transferId: newId('trf'),
        type: 'transfer',
        fromWalletId: other,
        toWalletId: wallet,
        amount,
        currency: 'USD',
        debitEntryId: newId('txn'),
        creditEntryId: newId('txn'),
        description: null,
        initiatedBy: owner.id,
        refundOf: null,
        metadata: {},
      });
      let laterHoldsTheLock!: () => void;
      const lockTaken = new Promise<void>((resolve) => (laterHoldsTheLock = resolve));
      // The earlier transaction begins first (its now() is fixed by its first statement), then posts
      // while the later one holds the wallets, so its posting goes second.
      const earlier = t.container.db.transaction(async (tx) => {
        await sqlOf(tx).query('SELECT now()');
        await lockTaken;
        return ledger.postTransfers(tx, [credit(100n)]);
      });
      await sleep(30);
      const later = t.container.db.transaction(async (tx) => {
        const outcomes = await ledger.postTransfers(tx, [credit(1_000n)]);
        laterHoldsTheLock();
        await sleep(100);
        return outcomes;
      });
      await Promise.all([earlier, later]);

      const { rows } = await t.container.db.query<{ amount: bigint; balance_after: bigint; created_at: Date }>(
        'SELECT amount, balance_after, created_at FROM transactions WHERE wallet_id = $1 ORDER BY created_at, seq',
        [wallet],
      );
      expect(rows.map((r) => [r.amount, r.balance_after])).toEqual([
        [1_000n, 1_000n],
        [100n, 1_100n],
      ]);
      // The later transaction held the lock for 100 ms, so the two instants differ.
      expect((await balanceAt(wallet, rows[0]!.created_at.toISOString())).body.balance).toBe('1000');
    },
  );

  it('when no time is given, then the current balance; before the first entry, then 0', async () => {
    const wallet = (await createWallet(t, owner)).id;
    const before = new Date(Date.now() - 1000).toISOString();
    await fund(t, wallet, 1234n);
    const now = await balanceAt(wallet);
    expect(now.status).toBe(200);
    expect(now.body).toMatchObject({ walletId: wallet, currency: 'USD', balance: '1234' });
    expect((await balanceAt(wallet, before)).body.balance).toBe('0');
    expect((await balanceAt(wallet, '2001-01-01T00:00:00+02:00')).body).toMatchObject({ balance: '0', at: '2000-12-31T22:00:00.000Z' });
  });

  it('when the time is malformed, impossible, out of range or in the future, then 400 naming query.at', async () => {
    const wallet = (await createWallet(t, owner)).id;
    const future = new Date(Date.now() + 60_000).toISOString();
    for (const at of [
      'yesterday',
      '2026-02-30T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-01-01T25:00:00Z',
      '0000-01-01T00:00:00Z',
      '2026-01-01',
      '',
      future,
    ]) {
      const res = await balanceAt(wallet, at);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details.fields[0].field).toBe('query.at');
    }
    const unknown = await t
      .http()
      .get(`/api/v1/wallets/${wallet}/balance`)
      .query({ at: new Date().toISOString(), extra: '1' })
      .set(owner.auth);
    expect(unknown.status).toBe(400);
  });

  it("when another user asks for a wallet's balance at a time, then 404 as for GET /wallets/:id", async () => {
    const wallet = (await createWallet(t, owner)).id;
    const stranger = await registerUser(t);
    const res = await balanceAt(wallet, new Date().toISOString(), stranger.auth);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('wallet_not_found');
    expect((await balanceAt('wal_nope', undefined)).status).toBe(404);
  });

  it('when the balance at a time is looked up, then the plan is one backward probe of the (wallet_id, created_at, seq) index', async () => {
    const { rows } = await t.container.db.query<Record<string, string>>(`EXPLAIN ${BALANCE_BEFORE_SQL}`, ['wal_x', new Date()]);
    const plan = rows.map((r) => Object.values(r)[0]).join('\n');
    expect(plan).toMatch(/^Limit/);
    // An index scan, not index-only: row-level security checks each row's tenant_id in the heap. All
    // of a wallet's entries are its tenant's, so the first row read is the answer.
    expect(plan).toMatch(/Index (Only )?Scan Backward using transactions_wallet_created_seq_idx/);
    expect(plan).not.toMatch(/Sort/);
  });
});
