import { randomUUID } from 'node:crypto';
import { auditRows, createOperator } from '../../support/admin';
import { balanceOf, createWallet, ledgerInvariants } from '../../support/ledger';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

/**
 * Four-eyes on adjustments: one operator credits or debits up to the threshold per adjustment and
 * the daily limit over their day; beyond that another operator approves a request. Runs on PGlite
 * and, with DATABASE_URL, on PostgreSQL (real row locks between connections).
 */
describe('four-eyes on adjustments: per adjustment, per operator per day, and through a second operator', () => {
  let t: TestApp;
  let second: Awaited<ReturnType<typeof createOperator>>;
  beforeAll(async () => {
    t = await startTestApp({ ADJUSTMENT_FOUR_EYES_THRESHOLD_MINOR: '20000', ADJUSTMENT_FOUR_EYES_DAILY_LIMIT_MINOR: '25000' });
    second = await createOperator(t, 'finance');
  });
  afterAll(() => t.close());

  const newWallet = async () => createWallet(t, await registerUser(t));
  const adjust = (auth: Record<string, string>, walletId: string, amount: number) =>
    t
      .http()
      .post(`/api/v1/admin/wallets/${walletId}/adjustments`)
      .set(auth)
      .set('Idempotency-Key', randomUUID())
      .send({ amount: String(amount), reason: 'ops' });
  const requestAdjustment = async (auth: Record<string, string>, walletId: string, amount: number) => {
    const res = await t
      .http()
      .post('/api/v1/admin/adjustment-requests')
      .set(auth)
      .send({ walletId, amount: String(amount), reason: 'ops' });
    if (res.status !== 201) throw new Error(`request failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };
  const approve = (auth: Record<string, string>, id: string) =>
    t.http().post(`/api/v1/admin/adjustment-requests/${id}/approve`).set(auth).set('Idempotency-Key', randomUUID()).send();
  const dayTotal = async (operatorId: string) => {
    const { rows } = await t.container.db.query<{ amount: string }>(
      "SELECT amount::text AS amount FROM operator_self_approval_totals WHERE operator_id = $1 AND kind = 'adjustment'",
      [operatorId],
    );
    return rows.map((r) => r.amount);
  };

  it('when one operator adjusts above the threshold, then 403 four_eyes_required (basis amount), recorded as refused, and nothing moves', async () => {
    const operator = await createOperator(t, 'finance');
    const wallet = await newWallet();
    const res = await adjust(operator.auth, wallet.id, 40_000);
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: 'four_eyes_required', details: { basis: 'amount', thresholdMinor: '20000' } });
    expect(await balanceOf(t, wallet.id)).toBe(0n);
    expect(await auditRows(t, { action: 'wallet.adjust', targetId: wallet.id })).toMatchObject([
      { outcome: 'refused', error_code: 'four_eyes_required' },
    ]);
  });

  it('when 40,000 is split into small adjustments by one operator, then credits and debits count by size and the one that takes the day above 25,000 is refused', async () => {
    const operator = await createOperator(t, 'finance');
    const wallet = await newWallet();
    expect((await adjust(operator.auth, wallet.id, 10_000)).status).toBe(201);
    expect((await adjust(operator.auth, wallet.id, 10_000)).status).toBe(201);
    expect((await adjust(operator.auth, wallet.id, -5_000)).status).toBe(201);
    const over = await adjust(operator.auth, wallet.id, 1);
    expect(over.status).toBe(403);
    expect(over.body.error.details.basis).toBe('daily_total');
    expect(await balanceOf(t, wallet.id)).toBe(15_000n);
    // The refused one did not count, and another operator's day is their own.
    expect(await dayTotal(operator.id)).toEqual(['25000']);
    expect((await adjust(second.auth, wallet.id, 1)).status).toBe(201);
  });

  it('when a refused posting (a debit beyond the balance) fails, then its amount is not counted', async () => {
    const operator = await createOperator(t, 'finance');
    const wallet = await newWallet();
    expect((await adjust(operator.auth, wallet.id, -15_000)).status).toBe(422);
    expect(await dayTotal(operator.id)).toEqual([]);
  });

  it('when one operator sends 5 adjustments of 6,000 at once, then exactly 4 (24,000) fit under the daily limit and 1 is refused', async () => {
    const operator = await createOperator(t, 'finance');
    const wallet = await newWallet();
    const results = await Promise.all(Array.from({ length: 5 }, () => adjust(operator.auth, wallet.id, 6_000)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(4);
    expect(results.filter((r) => r.status !== 201).map((r) => [r.status, r.body.error.details.basis])).toEqual([[403, 'daily_total']]);
    expect(await balanceOf(t, wallet.id)).toBe(24_000n);
    expect(await dayTotal(operator.id)).toEqual(['24000']);
  });

  it('when an operator requests a large adjustment, then they cannot approve it themselves, another operator can, once', async () => {
    const operator = await createOperator(t, 'finance');
    const wallet = await newWallet();
    const id = await requestAdjustment(operator.auth, wallet.id, 40_000);
    const approversDay = await dayTotal(second.id);
    const self = await approve(operator.auth, id);
    expect(self.status).toBe(403);
    expect(self.body.error).toMatchObject({ code: 'four_eyes_required', details: { basis: 'requester' } });
    expect(await balanceOf(t, wallet.id)).toBe(0n);

    const ok = await approve(second.auth, id);
    expect(ok.status).toBe(200);
    expect(ok.body.request).toMatchObject({
      id,
      status: 'approved',
      requestedBy: operator.id,
      decidedBy: second.id,
      amount: '40000',
      currency: 'USD',
    });
    expect(ok.body.adjustment.transfer).toMatchObject({ type: 'adjustment', id: ok.body.request.adjustmentTransferId });
    expect((await approve(second.auth, id)).body.error.code).toBe('adjustment_request_not_pending');
    expect(await balanceOf(t, wallet.id)).toBe(40_000n);
    // Approving someone else's request is not the approver's own authority: it does not count toward their day.
    expect(await dayTotal(second.id)).toEqual(approversDay);
  });

  it('when two operators approve one request at once, then the adjustment posts once and the other gets 409', async () => {
    const operator = await createOperator(t, 'finance');
    const third = await createOperator(t, 'admin');
    const wallet = await newWallet();
    const id = await requestAdjustment(operator.auth, wallet.id, 30_000);
    const results = await Promise.all([approve(second.auth, id), approve(third.auth, id)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await balanceOf(t, wallet.id)).toBe(30_000n);
    expect(await ledgerInvariants(t)).toMatchObject({ totalBalance: 0n, unbalancedTransfers: 0, negativeUserWallets: 0 });
  });

  it('when a request is rejected, then it cannot be approved; requests are listed by status; an auditor reads but cannot request', async () => {
    const operator = await createOperator(t, 'finance');
    const auditor = await createOperator(t, 'auditor');
    const wallet = await newWallet();
    const id = await requestAdjustment(operator.auth, wallet.id, -30_000);
    const rejected = await t.http().post(`/api/v1/admin/adjustment-requests/${id}/reject`).set(second.auth).send({ reason: 'no' });
    expect(rejected.body).toMatchObject({ status: 'rejected', decisionReason: 'no', amount: '-30000' });
    expect((await approve(second.auth, id)).status).toBe(409);

    const list = await t.http().get('/api/v1/admin/adjustment-requests?status=rejected').set(auditor.auth);
    expect(list.status).toBe(200);
    expect(list.body.data.map((r: { id: string }) => r.id)).toContain(id);
    expect(list.body.data.every((r: { status: string }) => r.status === 'rejected')).toBe(true);
    const denied = await t
      .http()
      .post('/api/v1/admin/adjustment-requests')
      .set(auditor.auth)
      .send({ walletId: wallet.id, amount: '1', reason: 'x' });
    expect(denied.status).toBe(403);
  });

  it('when the wallet does not exist or is a system account, then 404 and no request', async () => {
    const operator = await createOperator(t, 'finance');
    const missing = await t
      .http()
      .post('/api/v1/admin/adjustment-requests')
      .set(operator.auth)
      .send({ walletId: 'wal_missing', amount: '5', reason: 'x' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('wallet_not_found');
    const { rows } = await t.container.db.query<{ id: string }>("SELECT id FROM wallets WHERE kind = 'system' LIMIT 1");
    expect(rows).toHaveLength(1);
    const system = await t
      .http()
      .post('/api/v1/admin/adjustment-requests')
      .set(operator.auth)
      .send({ walletId: rows[0]!.id, amount: '5', reason: 'x' });
    expect(system.status).toBe(404);
  });
});
