import { SqlLedgerVerifier } from '../../../src/modules/ledger/adapters/sql-ledger-verifier';
import { captureHold, createHold, fundsOf, payerAndPayee, voidHold } from '../../support/holds';
import { createWallet, transfer } from '../../support/ledger';
import { startTestApp, type TestApp } from '../../support/test-app';

/**
 * PGlite runs one transaction at a time, so these prove the locks and conditional updates only in
 * the PostgreSQL pass (DATABASE_URL). There, when this was written: without `status = 'pending'` in
 * the settle UPDATE both sides of a race won (a capture and a void of the same hold); without
 * `FOR UPDATE` in lockWallets concurrent holds overdrew the wallet (500s from the held <= balance
 * constraint).
 */
describe('holds under concurrency', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function brokenChecks() {
    const report = await new SqlLedgerVerifier(t.container.db).verify();
    return report.checks.filter((c) => c.violations > 0).map((c) => c.name);
  }

  async function pendingHolds(n: number, amount: string) {
    const parties = await payerAndPayee(t, 100_000);
    const body = { fromWalletId: parties.from.id, toWalletId: parties.to.id, amount };
    const holds = await Promise.all(Array.from({ length: n }, () => createHold(t, parties.payer.auth, body)));
    expect(holds.map((r) => r.status)).toEqual(Array(n).fill(201));
    return { ...parties, ids: holds.map((r) => r.body.id as string) };
  }

  it('when a capture and a void race on each of 40 holds at once, then exactly one of each pair wins and the other gets 409', async () => {
    const { payer, payee, from, to, ids } = await pendingHolds(40, '100');
    const races = ids.map((id, i) =>
      // Payer and payee in turn on either side, both requests issued together.
      Promise.all(
        i % 2 === 0
          ? [captureHold(t, payee.auth, id), voidHold(t, payer.auth, id)]
          : [captureHold(t, payer.auth, id), voidHold(t, payee.auth, id)],
      ),
    );
    const outcomes = await Promise.all(races);
    let captured = 0;
    for (const [capture, voided] of outcomes) {
      expect([capture!.status, voided!.status].sort()).toEqual([200, 409]);
      const loser = capture!.status === 409 ? capture! : voided!;
      expect(loser.body.error.code).toBe('hold_not_pending');
      if (capture!.status === 200) captured++;
    }
    expect(await fundsOf(t, payer.auth, from.id)).toEqual({
      balance: 100_000n - 100n * BigInt(captured),
      available: 100_000n - 100n * BigInt(captured),
      held: 0n,
    });
    expect((await fundsOf(t, payee.auth, to.id)).balance).toBe(100n * BigInt(captured));
    const { rows } = await t.container.db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM holds WHERE id = ANY($1::text[]) GROUP BY status ORDER BY status',
      [ids],
    );
    expect(rows.map((r) => [r.status, r.n])).toEqual(
      [
        ['captured', captured],
        ['voided', 40 - captured],
      ].filter(([, n]) => n !== 0),
    );
    expect(await brokenChecks()).toEqual([]);
  });

  it('when two captures race on each of 20 holds, then each hold is captured once', async () => {
    const { payer, payee, from, to, ids } = await pendingHolds(20, '250');
    const outcomes = await Promise.all(
      ids.map((id) => Promise.all([captureHold(t, payer.auth, id, { amount: '200' }), captureHold(t, payee.auth, id)])),
    );
    let moved = 0n;
    for (const [a, b] of outcomes) {
      expect([a!.status, b!.status].sort()).toEqual([200, 409]);
      moved += BigInt((a!.status === 200 ? a! : b!).body.transfer.amount as string);
    }
    expect(await fundsOf(t, payee.auth, to.id)).toEqual({ balance: moved, available: moved, held: 0n });
    expect(await fundsOf(t, payer.auth, from.id)).toEqual({ balance: 100_000n - moved, available: 100_000n - moved, held: 0n });
    expect(await brokenChecks()).toEqual([]);
  });

  it('when 30 holds and 30 transfers draw on one wallet at once, then the available balance never goes below zero', async () => {
    const { payer, from, to } = await payerAndPayee(t, 1_000);
    const elsewhere = await createWallet(t, payer);
    const requests = Array.from({ length: 60 }, (_, i) =>
      i % 2 === 0
        ? createHold(t, payer.auth, { fromWalletId: from.id, toWalletId: to.id, amount: '100' })
        : transfer(t, payer, { fromWalletId: from.id, toWalletId: elsewhere.id, amount: '50' }),
    );
    const answers = await Promise.all(requests);
    for (const res of answers) {
      expect([201, 422]).toContain(res.status);
      if (res.status === 422) expect(res.body.error.code).toBe('insufficient_funds');
    }
    const holds = answers.filter((r, i) => i % 2 === 0 && r.status === 201).length;
    const transfers = answers.filter((r, i) => i % 2 === 1 && r.status === 201).length;
    expect(answers.filter((r) => r.status === 422).length).toBeGreaterThan(0);
    const funds = await fundsOf(t, payer.auth, from.id);
    expect(funds.held).toBe(100n * BigInt(holds));
    expect(funds.balance).toBe(1_000n - 50n * BigInt(transfers));
    expect(funds.available).toBeGreaterThanOrEqual(0n);
    // Refused only when there was too little left for it.
    expect(funds.available).toBeLessThan(100n);
    expect(await brokenChecks()).toEqual([]);
  });
});
