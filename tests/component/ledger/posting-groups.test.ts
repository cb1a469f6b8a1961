import { newId } from '../../../src/infra/crypto/ids';
import { sqlOf } from '../../../src/infra/db/database';
import type { Transaction } from '../../../src/shared/transaction';
import { SqlLedgerRepository } from '../../../src/modules/ledger/adapters/sql-ledger.repository';
import { LedgerRefusal, type PostTransferCommand } from '../../../src/modules/ledger/ledger.repository';
import { PostingQueue, type Committed, type Posting } from '../../../src/modules/ledger/posting-queue';
import { balanceOf, createWallet, fund, ledgerInvariants } from '../../support/ledger';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { inSystemScope } from '../../../src/infra/tenant-scope';

/**
 * The queue with one lane: the first posting submitted goes alone and every posting submitted
 * while it is written waits and goes in the next group, so the groups are known in advance.
 */
describe('postings written in groups', () => {
  let t: TestApp;
  let queue: PostingQueue;
  let wallets: string[];
  let owner: string;

  beforeAll(async () => {
    t = await startTestApp();
    const { db } = t.container;
    queue = new PostingQueue(db, new SqlLedgerRepository(db), t.container.webhooks.outbox, { lanes: 1, groupMax: 64 });
    const user = await registerUser(t);
    owner = user.id;
    wallets = [];
    for (let i = 0; i < 3; i++) wallets.push((await createWallet(t, user)).id);
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
    type: 'transfer',
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
  const posting = (from: string, to: string, amount: bigint, extra: Partial<Posting> = {}): Posting => ({
    command: command(from, to, amount),
    wallets: new Map(),
    ...extra,
  });
  const settle = (postings: Posting[]) => Promise.allSettled(postings.map((p) => queue.submit(p)));
  /** The database transaction that wrote each transfer. */
  const writtenBy = async (postings: Posting[]) => {
    const ids = postings.map((p) => p.command.transferId);
    const { rows } = await t.container.db.query<{ id: string; tx: string }>(
      'SELECT id, xmin::text AS tx FROM transfers WHERE id = ANY($1)',
      [ids],
    );
    return ids.map((id) => rows.find((r) => r.id === id)?.tx);
  };

  it('when a group holds a refused posting, then only it is refused and the others see the balances before them', async () => {
    const [a, b, c] = wallets as [string, string, string];
    const before = await Promise.all(wallets.map((id) => balanceOf(t, id)));
    const postings = [
      posting(c, a, 1n), // alone: the lane is idle
      posting(a, b, 60n),
      posting(a, b, 60n), // a holds 41 by then
      posting(b, c, 150n), // b holds 160: enough only because of the posting before the refused one
    ];
    const results = await settle(postings);

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((results[2] as PromiseRejectedResult).reason).toEqual(new LedgerRefusal('insufficient_funds'));
    const committed = results.filter((r): r is PromiseFulfilledResult<Committed> => r.status === 'fulfilled').map((r) => r.value.posted);
    expect(committed.map((p) => [p.debit.balanceAfter, p.credit.balanceAfter])).toEqual([
      [before[2]! - 1n, before[0]! + 1n],
      [before[0]! + 1n - 60n, before[1]! + 60n],
      [before[1]! + 60n - 150n, before[2]! - 1n + 150n],
    ]);
    const [alone, first, refused, last] = await writtenBy(postings);
    expect(refused).toBeUndefined();
    expect(first).toBe(last);
    expect(alone).not.toBe(first);
    expect(await balanceOf(t, a)).toBe(before[0]! + 1n - 60n);
    expect(await ledgerInvariants(t)).toMatchObject({ totalBalance: 0n, unbalancedTransfers: 0, negativeUserWallets: 0 });
  });

  it('when the in-transaction work of one posting of a group fails, then it fails alone and the others are written', async () => {
    const [a, b] = wallets as [string, string];
    const before = await balanceOf(t, a);
    const failing = new Error('reply could not be stored');
    const replies: string[] = [];
    const store = (id: string) => async (tx: Transaction) => {
      await sqlOf(tx).query('SELECT 1');
      replies.push(id);
    };
    const postings = [posting(a, b, 1n), posting(a, b, 2n), posting(a, b, 3n), posting(a, b, 4n)];
    postings.forEach((p, i) => {
      p.inTx = i === 2 ? async () => Promise.reject(failing) : store(p.command.transferId);
    });
    const results = await settle(postings);

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((results[2] as PromiseRejectedResult).reason).toBe(failing);
    const [, second, failed, fourth] = await writtenBy(postings);
    expect(failed).toBeUndefined();
    expect(second).not.toBe(fourth);
    expect(await balanceOf(t, a)).toBe(before - 1n - 2n - 4n);
    // Written again one by one after the group rolled back: each reply is stored by the posting that committed.
    expect(new Set(replies)).toEqual(new Set([0, 1, 3].map((i) => postings[i]!.command.transferId)));
  });

  it('when a guarded posting is refused, then what its guard wrote is rolled back with it', async () => {
    const [a, b] = wallets as [string, string];
    // A table of the test's own, made as the owner, written by the guard inside the tenant's posting.
    await inSystemScope(() => t.container.db.exec('CREATE TABLE IF NOT EXISTS guard_marks (id TEXT PRIMARY KEY)'));
    const guard = (mark: string) => async (tx: Transaction) => {
      await sqlOf(tx).query('INSERT INTO guard_marks (id) VALUES ($1)', [mark]);
    };
    const results = await settle([
      posting(a, b, 1n),
      posting(a, b, 1_000_000n, { guard: guard('refused') }),
      posting(a, b, 1n, { guard: guard('posted') }),
    ]);

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const { rows } = await t.container.db.query<{ id: string }>('SELECT id FROM guard_marks ORDER BY id');
    expect(rows.map((r) => r.id)).toEqual(['posted']);
  });
});
