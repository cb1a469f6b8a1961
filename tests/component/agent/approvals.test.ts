import { randomUUID } from 'node:crypto';
import { a2aTransfer, registerAgent, type TestAgent } from '../../support/agents';
import { balanceOf } from '../../support/ledger';
import { startTestApp, type TestApp } from '../../support/test-app';

describe('payments above the approval threshold', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ AGENT_APPROVAL_TTL_SECONDS: '2' });
  });
  afterAll(() => t.close());

  const approve = (agent: TestAgent, id: string) =>
    t.http().post(`/api/v1/agents/approvals/${id}/approve`).set(agent.owner.auth).set('Idempotency-Key', randomUUID());

  async function pendingPayment(policy: Record<string, unknown> = { approvalThreshold: '100' }) {
    const payer = await registerAgent(t, { funds: 1_000, policy });
    const payee = await registerAgent(t);
    const res = await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '300', currency: 'USD' });
    expect(res.status).toBe(202);
    return { payer, payee, payment: res.body as { id: string; status: string } };
  }

  it('when a payment is above the threshold, then it waits as pending_approval, nothing moves, and the owner is told', async () => {
    const requested: string[] = [];
    t.container.events.subscribe('agent.approval.requested', (e) => void requested.push((e.data as { paymentId: string }).paymentId));
    const { payer, payee, payment } = await pendingPayment();
    expect(payment.status).toBe('pending_approval');
    expect(await balanceOf(t, payer.walletId)).toBe(1_000n);
    expect(await balanceOf(t, payee.walletId)).toBe(0n);
    expect(requested).toContain(payment.id);
    const list = await t.http().get('/api/v1/agents/approvals').set(payer.owner.auth);
    expect(list.body.data.map((p: { id: string }) => p.id)).toEqual([payment.id]);
    const outbox = await t.container.db.query("SELECT 1 FROM agent_audit_log WHERE payment_id = $1 AND decision = 'pending_approval'", [
      payment.id,
    ]);
    expect(outbox.rowCount).toBe(1);
  });

  it('when the owner approves twice at once, then it is paid exactly once', async () => {
    const { payer, payee, payment } = await pendingPayment();
    const [a, b] = await Promise.all([approve(payer, payment.id), approve(payer, payment.id)]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    expect([a, b].find((r) => r.status === 409)!.body.error.code).toBe('approval_not_pending');
    expect(await balanceOf(t, payee.walletId)).toBe(300n);
    expect(await balanceOf(t, payer.walletId)).toBe(700n);
    const again = await approve(payer, payment.id);
    expect(again.status).toBe(409);
  });

  it('when the budget was spent meanwhile, then approval is refused with the budget rule and the payment stays pending', async () => {
    const { payer, payment } = await pendingPayment({ approvalThreshold: '100', dailyBudget: '350' });
    const other = await registerAgent(t);
    expect((await a2aTransfer(t, payer, { to: { agentId: other.id }, amount: '100', currency: 'USD' })).status).toBe(201);
    const res = await approve(payer, payment.id);
    expect(res.status).toBe(403);
    expect(res.body.error.details.rule).toBe('daily_budget');
    expect(await balanceOf(t, payer.walletId)).toBe(900n);
    const { rows } = await t.container.db.query<{ status: string }>('SELECT status FROM agent_payments WHERE id = $1', [payment.id]);
    expect(rows[0]!.status).toBe('pending_approval');
  });

  it('when the owner declines, then nothing moves and it cannot be approved later', async () => {
    const { payer, payment } = await pendingPayment();
    const res = await t.http().post(`/api/v1/agents/approvals/${payment.id}/decline`).set(payer.owner.auth);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('declined');
    expect((await approve(payer, payment.id)).status).toBe(409);
    expect(await balanceOf(t, payer.walletId)).toBe(1_000n);
  });

  it('when the approval window passes, then approve answers approval_expired and the payment is expired', async () => {
    const { payer, payment } = await pendingPayment();
    await t.container.db.query("UPDATE agent_payments SET expires_at = now() - interval '1 second' WHERE id = $1", [payment.id]);
    const res = await approve(payer, payment.id);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('approval_expired');
    const { rows } = await t.container.db.query<{ status: string }>('SELECT status FROM agent_payments WHERE id = $1', [payment.id]);
    expect(rows[0]!.status).toBe('expired');
    expect(await balanceOf(t, payer.walletId)).toBe(1_000n);
  });

  it('when the configured TTL runs out, then the pending payment leaves the approvals list as expired', async () => {
    const { payer, payment } = await pendingPayment();
    // The window is the configured 2 s; running its clock out is then a matter of moving it back.
    const { rows } = await t.container.db.query<{ ttl: number }>(
      'SELECT EXTRACT(EPOCH FROM expires_at - created_at)::float8 AS ttl FROM agent_payments WHERE id = $1',
      [payment.id],
    );
    // Counted from the decision, which comes a moment after the payment's creation.
    expect(rows[0]!.ttl).toBeGreaterThanOrEqual(2);
    expect(rows[0]!.ttl).toBeLessThan(3);
    const before = await t.http().get('/api/v1/agents/approvals').set(payer.owner.auth);
    expect(before.body.data.map((p: { id: string }) => p.id)).toEqual([payment.id]);
    await t.container.db.query("UPDATE agent_payments SET expires_at = now() - interval '1 millisecond' WHERE id = $1", [payment.id]);
    const list = await t.http().get('/api/v1/agents/approvals').set(payer.owner.auth);
    expect(list.body.data).toEqual([]);
    const audit = await t.container.db.query("SELECT 1 FROM agent_audit_log WHERE payment_id = $1 AND decision = 'expired'", [payment.id]);
    expect(audit.rowCount).toBe(1);
  });

  it('when another owner tries to approve, then 404', async () => {
    const { payment } = await pendingPayment();
    const stranger = await registerAgent(t);
    expect((await approve(stranger, payment.id)).status).toBe(404);
  });
});
