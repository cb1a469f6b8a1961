import { randomUUID } from 'node:crypto';
import { balanceOf, createWallet, fund, ledgerInvariants, transfer } from '../../support/ledger';
import { createOperator } from '../../support/admin';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

describe('refund requests and their approval', () => {
  let t: TestApp;
  let finance: Awaited<ReturnType<typeof createOperator>>;
  let finance2: Awaited<ReturnType<typeof createOperator>>;
  beforeAll(async () => {
    t = await startTestApp({ REFUND_FOUR_EYES_THRESHOLD_MINOR: '5000' });
    finance = await createOperator(t, 'finance');
    finance2 = await createOperator(t, 'finance');
  });
  afterAll(() => t.close());

  async function paid(amount = '1000') {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const from = await createWallet(t, alice);
    const to = await createWallet(t, bob);
    await fund(t, from.id, 20_000);
    const res = await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount });
    return { alice, bob, from, to, posted: res.body };
  }

  const approve = (auth: Record<string, string>, id: string, key = randomUUID()) =>
    t.http().post(`/api/v1/admin/refunds/${id}/approve`).set(auth).set('Idempotency-Key', key).send();

  it('when a customer asks and finance approves, then the money goes back once and the request says so', async () => {
    const { alice, from, to, posted } = await paid();
    const asked = await t
      .http()
      .post(`/api/v1/transactions/${posted.debit.id}/refund-requests`)
      .set(alice.auth)
      .send({ amount: '400', reason: 'never arrived' });
    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({ status: 'pending', amount: '400', customerId: alice.id, requestedByRole: 'customer' });
    const pending = await t.http().get('/api/v1/admin/refunds').query({ status: 'pending' }).set(finance.auth);
    expect(pending.body.data.map((r: { id: string }) => r.id)).toContain(asked.body.id);
    const key = randomUUID();
    const res = await approve(finance.auth, asked.body.id, key);
    expect(res.status).toBe(200);
    expect(res.body.request).toMatchObject({ status: 'approved', decidedBy: finance.id, refundTransferId: res.body.refund.transfer.id });
    expect(res.body.refund.transfer).toMatchObject({ type: 'refund', amount: '400', refundOf: posted.transfer.id });
    const replay = await approve(finance.auth, asked.body.id, key);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(res.body);
    expect(await balanceOf(t, from.id)).toBe(19_400n);
    expect(await balanceOf(t, to.id)).toBe(600n);
  });

  it('when 12 approvals of one request race, then exactly one refunds and the others get 409', async () => {
    const { alice, from, posted } = await paid('700');
    const asked = await t
      .http()
      .post(`/api/v1/transactions/${posted.debit.id}/refund-requests`)
      .set(alice.auth)
      .send({ reason: 'all of it' });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => approve(i % 2 ? finance.auth : finance2.auth, asked.body.id)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 200).every((s) => s === 409)).toBe(true);
    const { rows } = await t.container.db.query<{ n: number }>('SELECT count(*)::int AS n FROM transfers WHERE refund_of = $1', [
      posted.transfer.id,
    ]);
    expect(rows[0]!.n).toBe(1);
    expect(await balanceOf(t, from.id)).toBe(20_000n);
    expect(await ledgerInvariants(t)).toMatchObject({ totalBalance: 0n, unbalancedTransfers: 0, negativeUserWallets: 0 });
  });

  it('when two requests together exceed the payment, then the second approval is refused and stays pending', async () => {
    const { bob, alice, posted } = await paid('1000');
    const support = await createOperator(t, 'support');
    const first = await t
      .http()
      .post('/api/v1/admin/refunds')
      .set(support.auth)
      .send({ transactionId: posted.debit.id, amount: '800', reason: 'a' });
    const second = await t
      .http()
      .post(`/api/v1/transactions/${posted.credit.id}/refund-requests`)
      .set(bob.auth)
      .send({ amount: '300', reason: 'b' });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect((await approve(finance.auth, first.body.id)).status).toBe(200);
    const over = await approve(finance.auth, second.body.id);
    expect(over.status).toBe(422);
    expect(over.body.error.code).toBe('refund_exceeds_remaining');
    const again = await t.http().get('/api/v1/admin/refunds').query({ status: 'pending' }).set(finance.auth);
    expect(again.body.data.map((r: { id: string }) => r.id)).toContain(second.body.id);
    const tooMuch = await t
      .http()
      .post(`/api/v1/transactions/${posted.debit.id}/refund-requests`)
      .set(alice.auth)
      .send({ amount: '201', reason: 'c' });
    expect(tooMuch.status).toBe(422);
  });

  it("when someone else's transaction is asked about, then 404 and nothing is stored", async () => {
    const { posted } = await paid();
    const stranger = await registerUser(t);
    const res = await t.http().post(`/api/v1/transactions/${posted.debit.id}/refund-requests`).set(stranger.auth).send({ reason: 'mine?' });
    expect(res.status).toBe(404);
    const { rows } = await t.container.db.query('SELECT 1 FROM refund_requests WHERE transfer_id = $1', [posted.transfer.id]);
    expect(rows).toHaveLength(0);
  });

  it("when the requester approves above the four-eyes threshold, or what takes the original's refunds above it, then 403; at the threshold, or by another operator, it goes through", async () => {
    const admin = await createOperator(t, 'admin');
    const big = await paid('6000');
    const open = (transactionId: string, amount: string) =>
      t.http().post('/api/v1/admin/refunds').set(admin.auth).send({ transactionId, amount, reason: 'ops' });
    const above = await open(big.posted.debit.id, '5001');
    const self = await approve(admin.auth, above.body.id);
    expect(self.status).toBe(403);
    expect(self.body.error.code).toBe('four_eyes_required');
    expect((await approve(finance.auth, above.body.id)).status).toBe(200);
    const atThreshold = await open(big.posted.debit.id, '999');
    const small = await paid('5000');
    const exactly = await open(small.posted.debit.id, '5000');
    // 5001 already refunded + 999 = 6000 on the original: above the threshold, however small the request.
    const cumulative = await approve(admin.auth, atThreshold.body.id);
    expect(cumulative.status).toBe(403);
    expect(cumulative.body.error).toMatchObject({ code: 'four_eyes_required', details: { basis: 'cumulative' } });
    expect((await approve(admin.auth, exactly.body.id)).status).toBe(200);
  });

  it('when a request is rejected, then it cannot be approved and no money moves', async () => {
    const { alice, from, posted } = await paid();
    const asked = await t.http().post(`/api/v1/transactions/${posted.debit.id}/refund-requests`).set(alice.auth).send({ reason: 'x' });
    const rejected = await t
      .http()
      .post(`/api/v1/admin/refunds/${asked.body.id}/reject`)
      .set(finance.auth)
      .send({ reason: 'delivered, signed for' });
    expect(rejected.body).toMatchObject({ status: 'rejected', decisionReason: 'delivered, signed for' });
    expect((await approve(finance.auth, asked.body.id)).status).toBe(409);
    expect((await t.http().post(`/api/v1/admin/refunds/${asked.body.id}/reject`).set(finance.auth).send({ reason: 'again' })).status).toBe(
      409,
    );
    expect(await balanceOf(t, from.id)).toBe(19_000n);
  });
});
