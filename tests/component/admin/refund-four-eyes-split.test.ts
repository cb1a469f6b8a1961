import { randomUUID } from 'node:crypto';
import { createOperator } from '../../support/admin';
import { balanceOf, createWallet, fund, ledgerInvariants, transfer } from '../../support/ledger';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

/**
 * Four-eyes cannot be split: a refund above the threshold done as several small requests, on one
 * original or across originals in a day, still needs a second operator, also under concurrency.
 * Runs on PGlite and, with DATABASE_URL, on PostgreSQL (real row locks between connections).
 */
describe('four-eyes on refunds: cumulative per original and per operator per day', () => {
  let t: TestApp;
  let second: Awaited<ReturnType<typeof createOperator>>;
  beforeAll(async () => {
    t = await startTestApp({ REFUND_FOUR_EYES_THRESHOLD_MINOR: '20000', REFUND_FOUR_EYES_DAILY_LIMIT_MINOR: '25000' });
    second = await createOperator(t, 'finance');
  });
  afterAll(() => t.close());

  async function paid(amount: number) {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const from = await createWallet(t, alice);
    const to = await createWallet(t, bob);
    await fund(t, from.id, amount);
    const res = await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: String(amount) });
    return { from, posted: res.body };
  }
  const open = async (auth: Record<string, string>, transactionId: string, amount: number) => {
    const res = await t
      .http()
      .post('/api/v1/admin/refunds')
      .set(auth)
      .send({ transactionId, amount: String(amount), reason: 'ops' });
    if (res.status !== 201) throw new Error(`open failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };
  const approve = (auth: Record<string, string>, id: string) =>
    t.http().post(`/api/v1/admin/refunds/${id}/approve`).set(auth).set('Idempotency-Key', randomUUID()).send();

  it('when 40,000 is opened as four requests of 10,000 and the requester approves them, then each is 403 four_eyes_required and nothing moves until another operator approves', async () => {
    const operator = await createOperator(t, 'admin');
    const { from, posted } = await paid(40_000);
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await open(operator.auth, posted.debit.id, 10_000));

    for (const id of ids) {
      const self = await approve(operator.auth, id);
      expect(self.status).toBe(403);
      expect(self.body.error).toMatchObject({ code: 'four_eyes_required', details: { basis: 'cumulative' } });
    }
    expect(await balanceOf(t, from.id)).toBe(0n);
    for (const id of ids) expect((await approve(second.auth, id)).status).toBe(200);
    expect(await balanceOf(t, from.id)).toBe(40_000n);
  });

  it('when the requester opens and approves one small refund after another on one original, then they go through up to the threshold and the next one is refused', async () => {
    const operator = await createOperator(t, 'admin');
    const { from, posted } = await paid(40_000);
    expect((await approve(operator.auth, await open(operator.auth, posted.debit.id, 10_000))).status).toBe(200);
    expect((await approve(operator.auth, await open(operator.auth, posted.debit.id, 10_000))).status).toBe(200);
    const third = await approve(operator.auth, await open(operator.auth, posted.debit.id, 10_000));
    expect(third.status).toBe(403);
    expect(third.body.error.details.basis).toBe('cumulative');
    expect(await balanceOf(t, from.id)).toBe(20_000n);
  });

  it('when one operator approves their own small refunds of several transactions in a day, then the one that takes the day above the daily limit is refused', async () => {
    const operator = await createOperator(t, 'admin');
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await open(operator.auth, (await paid(10_000)).posted.debit.id, 10_000));
    expect((await approve(operator.auth, ids[0]!)).status).toBe(200);
    expect((await approve(operator.auth, ids[1]!)).status).toBe(200);
    const third = await approve(operator.auth, ids[2]!);
    expect(third.status).toBe(403);
    expect(third.body.error.details.basis).toBe('daily_total');
    // The refused approval did not count: another operator approves it, and the day's total stays 20,000.
    expect((await approve(second.auth, ids[2]!)).status).toBe(200);
    const { rows } = await t.container.db.query<{ amount: string }>(
      'SELECT amount::text AS amount FROM operator_self_approval_totals WHERE operator_id = $1',
      [operator.id],
    );
    expect(rows).toEqual([{ amount: '20000' }]);
  });

  it('when two small self-approvals on one original that together cross the threshold run at once, then not both go through', async () => {
    const operator = await createOperator(t, 'admin');
    const { from, posted } = await paid(24_000);
    const ids = [await open(operator.auth, posted.debit.id, 12_000), await open(operator.auth, posted.debit.id, 12_000)];
    const results = await Promise.all(ids.map((id) => approve(operator.auth, id)));
    expect(results.filter((r) => r.status === 200).length).toBeLessThanOrEqual(1);
    expect(results.filter((r) => r.status !== 200).every((r) => r.status === 403 && r.body.error.code === 'four_eyes_required')).toBe(true);
    expect(await balanceOf(t, from.id)).toBeLessThanOrEqual(20_000n);
  });

  it('when one operator self-approves 5 refunds of 6,000 on 5 transactions at once, then exactly 4 (24,000) fit under the daily limit of 25,000 and 1 is refused', async () => {
    const operator = await createOperator(t, 'admin');
    const ids = await Promise.all(Array.from({ length: 5 }, async () => open(operator.auth, (await paid(6_000)).posted.debit.id, 6_000)));
    const results = await Promise.all(ids.map((id) => approve(operator.auth, id)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(4);
    const refused = results.filter((r) => r.status !== 200);
    expect(refused.map((r) => [r.status, r.body.error.details.basis])).toEqual([[403, 'daily_total']]);
    const { rows } = await t.container.db.query<{ amount: string }>(
      'SELECT amount::text AS amount FROM operator_self_approval_totals WHERE operator_id = $1',
      [operator.id],
    );
    expect(rows).toEqual([{ amount: '24000' }]);
    expect(await ledgerInvariants(t)).toMatchObject({ totalBalance: 0n, unbalancedTransfers: 0, negativeUserWallets: 0 });
  });
});
