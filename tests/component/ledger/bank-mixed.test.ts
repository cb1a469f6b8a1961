import { randomUUID } from 'node:crypto';
import { SqlLedgerVerifier } from '../../../src/modules/ledger/adapters/sql-ledger-verifier';
import { createWallet, fund, transfer, type TestUser } from '../../support/ledger';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { startTwoInstances } from '../../support/two-instances';

/**
 * A bank-style run with every way money moves between user wallets at once: transfers, holds
 * (created, captured in part or whole, voided, racing each other) and multi-leg transactions.
 * Whatever wins each race, no request fails with a 5xx, money is neither created nor lost, no
 * wallet holds more than it has, and the ledger verifier (npm run verify-ledger) finds nothing.
 * PGlite runs one transaction at a time, so the races are real only in the PostgreSQL pass; with
 * PostgreSQL and Redis, the requests alternate between two API instances, as behind a load balancer.
 */
const USERS = 5;
const WAVES = 6;
const OPS_PER_WAVE = 60;
const START_BALANCE = 10_000n;

interface Account {
  owner: TestUser;
  wallets: string[];
}

describe('a bank-style run mixing transfers, holds and multi-leg transactions', () => {
  let t: TestApp;
  let close: () => Promise<void>;
  beforeAll(async () => {
    if (process.env.DATABASE_URL && process.env.REDIS_URL) {
      const pair = await startTwoInstances();
      ({ balanced: t, close } = pair);
    } else {
      t = await startTestApp();
      close = t.close;
    }
  });
  afterAll(() => close());

  let seed = 20261206;
  const random = (n: number) => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31), seed % n);
  const pick = <T>(items: readonly T[]): T => items[random(items.length)]!;

  const post = (user: TestUser, path: string, body: Record<string, unknown>) =>
    t.http().post(`/api/v1${path}`).set(user.auth).set('Idempotency-Key', randomUUID()).send(body);

  it('when hundreds of operations of every kind race, then totals hold, no wallet holds more than it has, and the books verify', async () => {
    const accounts: Account[] = [];
    for (let i = 0; i < USERS; i++) {
      const owner = await registerUser(t);
      const wallets = [(await createWallet(t, owner)).id, (await createWallet(t, owner)).id];
      for (const id of wallets) await fund(t, id, START_BALANCE);
      accounts.push({ owner, wallets });
    }
    const allWallets = accounts.flatMap((a) => a.wallets);
    const totalBefore = await userTotal(allWallets);
    const holds: { id: string; payer: TestUser; payee: TestUser }[] = [];
    const statuses: number[] = [];
    const counts = { transfer: 0, hold: 0, capture: 0, void: 0, multiLeg: 0 };

    const otherWallet = (not: string) => pick(allWallets.filter((w) => w !== not));
    const operation = (): Promise<{ status: number; body: Record<string, unknown> }> => {
      const account = pick(accounts);
      const from = pick(account.wallets);
      const amount = String(1 + random(1_500));
      const kind = random(5);
      // Captures and voids need a hold made in an earlier wave.
      if (kind === 0 || ((kind === 2 || kind === 3) && holds.length === 0)) {
        counts.transfer++;
        return transfer(t, account.owner, { fromWalletId: from, toWalletId: otherWallet(from), amount });
      }
      if (kind === 1) {
        counts.hold++;
        const to = otherWallet(from);
        const payee = accounts.find((a) => a.wallets.includes(to))!.owner;
        return post(account.owner, '/holds', { fromWalletId: from, toWalletId: to, amount }).then((res) => {
          if (res.status === 201) holds.push({ id: res.body.id, payer: account.owner, payee });
          return res;
        });
      }
      if (kind === 2) {
        // Captures and voids pick any hold made so far, settled or not: the losers of a race get 409.
        const hold = pick(holds);
        counts.capture++;
        const partial = random(2) === 0 ? { amount: String(1 + random(200)) } : {};
        return post(random(2) === 0 ? hold.payer : hold.payee, `/holds/${hold.id}/capture`, partial);
      }
      if (kind === 3) {
        counts.void++;
        const hold = pick(holds);
        return post(hold.payer, `/holds/${hold.id}/void`, {});
      }
      counts.multiLeg++;
      const legs = Array.from({ length: 2 + random(4) }, () => {
        const source = pick(account.wallets);
        return { fromWalletId: source, toWalletId: otherWallet(source), amount: String(1 + random(800)), currency: 'USD' };
      });
      return post(account.owner, '/transactions', { legs, description: 'marketplace sale' });
    };

    for (let wave = 0; wave < WAVES; wave++) {
      const responses = await Promise.all(Array.from({ length: OPS_PER_WAVE }, operation));
      statuses.push(...responses.map((r) => r.status));
    }

    // Refusals are 409 (a hold already settled) or 422 (funds, a capture above the hold); never a 5xx.
    expect(statuses.filter((s) => ![200, 201, 409, 422].includes(s))).toEqual([]);
    expect(statuses.filter((s) => s === 200 || s === 201).length).toBeGreaterThan(WAVES * OPS_PER_WAVE * 0.3);
    expect(Object.values(counts).every((n) => n > 0)).toBe(true);

    expect(await userTotal(allWallets)).toBe(totalBefore);
    const { rows } = await t.container.db.query<{ id: string; balance: bigint; held: bigint; pending: bigint }>(
      `SELECT w.id, w.balance, w.held,
              (SELECT coalesce(sum(h.amount), 0) FROM holds h WHERE h.from_wallet_id = w.id AND h.status = 'pending')::bigint AS pending
         FROM wallets w WHERE w.id = ANY($1::text[])`,
      [allWallets],
    );
    for (const wallet of rows) {
      expect(wallet.held).toBe(wallet.pending);
      expect(wallet.held).toBeGreaterThanOrEqual(0n);
      expect(wallet.balance).toBeGreaterThanOrEqual(wallet.held);
    }
    const report = await new SqlLedgerVerifier(t.container.db).verify();
    expect(report.checks.filter((c) => c.violations > 0)).toEqual([]);
  });

  async function userTotal(walletIds: string[]): Promise<bigint> {
    const { rows } = await t.container.db.query<{ total: bigint }>(
      'SELECT sum(balance)::bigint AS total FROM wallets WHERE id = ANY($1::text[])',
      [walletIds],
    );
    return rows[0]!.total;
  }
});
