import { newId } from '../../../src/infra/crypto/ids';
import { SqlLedgerRepository } from '../../../src/modules/ledger/adapters/sql-ledger.repository';
import { LedgerRefusal, type PostTransferCommand } from '../../../src/modules/ledger/ledger.repository';
import { PostingQueue, type PostingUnit } from '../../../src/modules/ledger/posting-queue';
import { balanceOf, createWallet, fund, ledgerInvariants } from '../../support/ledger';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

/**
 * Units (the legs of a multi-leg transaction) in the posting queue, with one lane: the first
 * submission goes alone and everything submitted while it is written goes in the next group.
 */
describe('posting units in groups', () => {
  let t: TestApp;
  let queue: PostingQueue;
  let wallets: [string, string, string];
  let owner: string;

  beforeAll(async () => {
    t = await startTestApp();
    const { db } = t.container;
    queue = new PostingQueue(db, new SqlLedgerRepository(db), t.container.webhooks.outbox, { lanes: 1, groupMax: 64 });
    const user = await registerUser(t);
    owner = user.id;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await createWallet(t, user)).id);
    wallets = ids as [string, string, string];
  });
  afterAll(() => t.close());

  beforeEach(async () => {
    for (const id of wallets) {
      const balance = await balanceOf(t, id);
      if (balance < 100n) await fund(t, id, 100n - balance);
    }
  });

  const command = (from: string, to: string, amount: bigint): PostTransferCommand => ({
    transferId: newId('trf'),
    type: 'multi_leg',
    fromWalletId: from,
    toWalletId: to,
    amount,
    currency: 'USD',
    debitEntryId: newId('txn'),
    creditEntryId: newId('txn'),
    description: null,
    initiatedBy: owner,
    refundOf: null,
    metadata: {},
  });
  const unit = (...commands: PostTransferCommand[]): PostingUnit => ({ commands, wallets: new Map() });
  const written = async (units: PostingUnit[]) => {
    const ids = units.flatMap((u) => u.commands.map((c) => c.transferId));
    const { rows } = await t.container.db.query<{ id: string; tx: string }>(
      'SELECT id, xmin::text AS tx FROM transfers WHERE id = ANY($1)',
      [ids],
    );
    return units.map((u) => u.commands.map((c) => rows.find((r) => r.id === c.transferId)?.tx));
  };

  it('when a unit of a group has a leg refused, then none of its legs is written and the rest of the group is, together', async () => {
    const [a, b, c] = wallets;
    const before = await Promise.all(wallets.map((id) => balanceOf(t, id)));
    const units = [
      unit(command(c, a, 1n)), // alone: the lane is idle
      unit(command(a, b, 10n), command(b, c, 5n)),
      unit(command(a, c, 20n), command(a, b, 1_000n), command(c, b, 1n)), // its second leg overdraws
      unit(command(b, a, 7n)),
    ];
    const results = await Promise.allSettled(units.map((u) => queue.submitUnit(u)));

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const reason = (results[2] as PromiseRejectedResult).reason as LedgerRefusal;
    expect([reason instanceof LedgerRefusal, reason.code, reason.leg]).toEqual([true, 'insufficient_funds', 1]);
    const [alone, second, refused, fourth] = await written(units);
    expect(refused).toEqual([undefined, undefined, undefined]);
    expect(new Set([...second!, ...fourth!]).size).toBe(1);
    expect(alone![0]).not.toBe(second![0]);
    expect(await balanceOf(t, a)).toBe(before[0]! + 1n - 10n + 7n);
    expect(await balanceOf(t, b)).toBe(before[1]! + 10n - 5n - 7n);
    expect(await balanceOf(t, c)).toBe(before[2]! - 1n + 5n);
    expect(await ledgerInvariants(t)).toMatchObject({
      totalBalance: 0n,
      unbalancedTransfers: 0,
      walletsWhoseBalanceDisagreesWithEntries: 0,
    });
  });

  it('when lone postings and a refused unit share a group, then the lone postings keep their own outcomes', async () => {
    const [a, b] = wallets;
    const before = await balanceOf(t, a);
    const results = await Promise.allSettled([
      queue.submitUnit(unit(command(b, a, 1n))),
      queue.submit({ command: command(a, b, 2n), wallets: new Map() }),
      queue.submitUnit(unit(command(a, b, 3n), command(a, b, 1_000n))),
      queue.submit({ command: command(a, b, 1_000n), wallets: new Map() }),
      queue.submit({ command: command(a, b, 4n), wallets: new Map() }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled']);
    const [unitReason, loneReason] = [results[2], results[3]].map((r) => (r as PromiseRejectedResult).reason as LedgerRefusal);
    expect([unitReason!.code, unitReason!.leg]).toEqual(['insufficient_funds', 1]);
    expect([loneReason!.code, loneReason!.leg]).toEqual(['insufficient_funds', undefined]);
    expect(await balanceOf(t, a)).toBe(before + 1n - 2n - 4n);
  });

  it('when units together pass the group size, then the next one waits for the next group, and none is split', async () => {
    const [a, b, c] = wallets;
    const { db } = t.container;
    const small = new PostingQueue(db, new SqlLedgerRepository(db), t.container.webhooks.outbox, { lanes: 1, groupMax: 4 });
    const units = [
      unit(command(a, b, 1n)), // alone: the lane is idle
      unit(command(a, b, 1n), command(b, c, 1n), command(c, a, 1n)),
      unit(command(a, c, 1n), command(c, b, 1n), command(b, a, 1n)), // 3 + 3 > 4: the next group
      unit(command(b, c, 1n)), // fits beside it
      unit(command(a, b, 1n), command(b, c, 1n), command(c, a, 1n), command(a, b, 1n), command(b, a, 1n)), // 5 > 4: alone, whole
    ];
    const results = await Promise.allSettled(units.map((u) => small.submitUnit(u)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    const groups = (await written(units)).map((txs) => [...new Set(txs)]);
    expect(groups.every((txs) => txs.length === 1)).toBe(true);
    const [g0, g1, g2, g3, g4] = groups.map((txs) => txs[0]);
    expect(new Set([g0, g1, g2, g4]).size).toBe(4);
    expect(g3).toBe(g2);
  });
});
