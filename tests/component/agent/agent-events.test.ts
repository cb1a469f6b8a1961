import { a2aTransfer, registerAgent } from '../../support/agents';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver';
import { startTestApp, type TestApp } from '../../support/test-app';

describe('agent events through webhooks and the audit log', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    t = await startTestApp();
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await t.close();
  });

  it('when an agent pays, is refused and asks for approval, then its owner gets the three events and the audit log has each decision', async () => {
    const payer = await registerAgent(t, { funds: 1_000, policy: { maxPerTransaction: '500', approvalThreshold: '200' } });
    const payee = await registerAgent(t);
    const hook = await t
      .http()
      .post('/api/v1/webhooks')
      .set(payer.owner.auth)
      .send({ url: receiver.url, events: ['agent.payment.completed', 'agent.payment.refused', 'agent.approval.requested'] });
    expect(hook.status).toBe(201);
    expect((await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '50', currency: 'USD' })).status).toBe(201);
    expect((await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '600', currency: 'USD' })).status).toBe(403);
    expect((await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '300', currency: 'USD' })).status).toBe(202);
    await t.container.webhooks.worker.runOnce();
    const types = receiver.received.map((r) => r.body.type).sort();
    expect(types).toEqual(['agent.approval.requested', 'agent.payment.completed', 'agent.payment.refused']);
    const refused = receiver.received.find((r) => r.body.type === 'agent.payment.refused')!;
    expect(refused.body.data).toMatchObject({ rule: 'max_per_transaction', amount: '600', agentId: payer.id });

    const audit = await t.http().get(`/api/v1/agents/${payer.id}/audit`).set(payer.owner.auth);
    expect(audit.status).toBe(200);
    expect(audit.body.data.map((e: { decision: string; rule: string | null }) => [e.decision, e.rule])).toEqual([
      ['pending_approval', 'approval_threshold'],
      ['refused', 'max_per_transaction'],
      ['allowed', null],
    ]);
    expect(audit.body.data.every((e: { policyVersion: number }) => e.policyVersion === 1)).toBe(true);
  });

  it('when the owner declines one approval and lets another expire, then the owner is told each, once', async () => {
    const payer = await registerAgent(t, { funds: 1_000, policy: { approvalThreshold: '100' } });
    const payee = await registerAgent(t);
    const hook = await t
      .http()
      .post('/api/v1/webhooks')
      .set(payer.owner.auth)
      .send({ url: receiver.url, events: ['agent.approval.declined', 'agent.approval.expired'] });
    expect(hook.status).toBe(201);
    const told: string[] = [];
    t.container.events.subscribe(
      'agent.approval.declined',
      (e) => void told.push(`declined ${(e.data as { paymentId: string }).paymentId}`),
    );
    t.container.events.subscribe('agent.approval.expired', (e) => void told.push(`expired ${(e.data as { paymentId: string }).paymentId}`));
    const declined = (await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '150', currency: 'USD' })).body.id as string;
    const expired = (await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '160', currency: 'USD' })).body.id as string;
    expect((await t.http().post(`/api/v1/agents/approvals/${declined}/decline`).set(payer.owner.auth)).status).toBe(200);
    await t.container.db.query(`UPDATE agent_payments SET expires_at = now() - interval '1 second' WHERE id = $1`, [expired]);
    expect((await t.http().get('/api/v1/agents/approvals').set(payer.owner.auth)).status).toBe(200);
    // Looking again finds nothing more to expire: each is told once.
    expect((await t.http().get('/api/v1/agents/approvals').set(payer.owner.auth)).status).toBe(200);
    expect(told).toEqual([`declined ${declined}`, `expired ${expired}`]);
    const metrics = await t.container.metrics.registry.getSingleMetricAsString('ocp_agent_payment_decisions_total');
    expect(metrics).toContain('ocp_agent_payment_decisions_total{decision="declined",reason=""} 1');
    expect(metrics).toContain('ocp_agent_payment_decisions_total{decision="expired",reason=""} 1');

    const before = receiver.received.length;
    await t.container.webhooks.worker.runOnce();
    const hooks = receiver.received.slice(before).map((r) => [r.body.type, r.body.data['paymentId'], r.body.data['status']]);
    expect(hooks.sort()).toEqual([
      ['agent.approval.declined', declined, 'declined'],
      ['agent.approval.expired', expired, 'expired'],
    ]);
  });

  it('when approvals are overdue, then the sweep expires them a batch at a time, each once, and leaves the others pending', async () => {
    const payer = await registerAgent(t, { funds: 1_000, policy: { approvalThreshold: '100' } });
    const payee = await registerAgent(t);
    const ids: string[] = [];
    for (const amount of ['150', '160', '170']) {
      ids.push((await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount, currency: 'USD' })).body.id as string);
    }
    const [first, second, waiting] = ids as [string, string, string];
    await t.container.db.query(`UPDATE agent_payments SET expires_at = now() - interval '1 second' WHERE id = ANY($1)`, [[first, second]]);
    const told: string[] = [];
    t.container.events.subscribe('agent.approval.expired', (e) => void told.push((e.data as { paymentId: string }).paymentId));
    const sweep = () => t.container.services.agents.payments.expireOverdue(1);
    expect(await sweep()).toBe(true);
    expect(await sweep()).toBe(true);
    expect(await sweep()).toBe(false);
    expect(told.sort()).toEqual([first, second].sort());
    const { rows } = await t.container.db.query<{ id: string; status: string }>(
      'SELECT id, status FROM agent_payments WHERE id = ANY($1) ORDER BY amount',
      [ids],
    );
    expect(rows.map((r) => r.status)).toEqual(['expired', 'expired', 'pending_approval']);
    expect(rows[2]!.id).toBe(waiting);
  });

  it('when anyone tries to change the audit log, then the database refuses', async () => {
    const agent = await registerAgent(t, { funds: 100, policy: { maxPerTransaction: '1' } });
    const payee = await registerAgent(t);
    await a2aTransfer(t, agent, { to: { agentId: payee.id }, amount: '2', currency: 'USD' });
    await expect(t.container.db.query('DELETE FROM agent_audit_log WHERE agent_id = $1', [agent.id])).rejects.toThrow(/append-only/);
    await expect(t.container.db.query("UPDATE agent_audit_log SET reason = 'x' WHERE agent_id = $1", [agent.id])).rejects.toThrow(
      /append-only/,
    );
  });
});
