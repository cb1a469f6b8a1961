import { a2aTransfer, registerAgent } from '../../support/agents';
import { balanceOf, ledgerInvariants } from '../../support/ledger';
import { startTestApp, type TestApp } from '../../support/test-app';

describe('agent budgets under concurrency', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('when 60 payments of 30 race under a daily budget of 1000, then exactly 33 succeed and the counter and the ledger agree', async () => {
    const payer = await registerAgent(t, { funds: 10_000, policy: { dailyBudget: '1000' } });
    const payee = await registerAgent(t);
    const responses = await Promise.all(
      Array.from({ length: 60 }, () => a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '30', currency: 'USD' })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(33);
    expect(statuses.filter((s) => s === 403)).toHaveLength(27);
    expect(responses.filter((r) => r.status === 403).every((r) => r.body.error.details.rule === 'daily_budget')).toBe(true);

    expect(await balanceOf(t, payee.walletId)).toBe(990n);
    expect(await balanceOf(t, payer.walletId)).toBe(10_000n - 990n);
    const counters = await t.container.db.query<{ period: string; spent: bigint }>(
      'SELECT period, spent FROM agent_spend_counters WHERE agent_id = $1 ORDER BY period',
      [payer.id],
    );
    expect(counters.rows.map((r) => BigInt(r.spent))).toEqual([990n, 990n]);
    const audit = await t.container.db.query<{ decision: string; n: number }>(
      'SELECT decision, count(*)::int AS n FROM agent_audit_log WHERE agent_id = $1 GROUP BY decision ORDER BY decision',
      [payer.id],
    );
    expect(audit.rows).toEqual([
      { decision: 'allowed', n: 33 },
      { decision: 'refused', n: 27 },
    ]);
    expect(await ledgerInvariants(t)).toMatchObject({ unbalancedTransfers: 0, walletsWhoseBalanceDisagreesWithEntries: 0 });
    const me = await t.http().get('/api/v1/a2a/me').set(payer.auth);
    expect(me.body).toMatchObject({
      id: payer.id,
      ownerId: payer.owner.id,
      policy: { dailyBudget: '1000' },
      spent: { day: '990', month: '990' },
    });
    const metrics = await t.container.metrics.registry.getSingleMetricAsString('ocp_agent_payment_decisions_total');
    expect(metrics).toContain('ocp_agent_payment_decisions_total{decision="completed",reason=""} 33');
    expect(metrics).toContain('ocp_agent_payment_decisions_total{decision="refused",reason="daily_budget"} 27');
  });

  it('when the monthly budget is the tighter one, then it refuses with monthly_budget', async () => {
    const payer = await registerAgent(t, { funds: 1_000, policy: { dailyBudget: '500', monthlyBudget: '100' } });
    const payee = await registerAgent(t);
    expect((await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '80', currency: 'USD' })).status).toBe(201);
    const res = await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '30', currency: 'USD' });
    expect(res.body.error.details).toMatchObject({ rule: 'monthly_budget', remaining: '20' });
  });
});
