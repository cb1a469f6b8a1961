import { createWallet, fund, transfer } from '../../support/ledger';
import { auditRows, createOperator } from '../../support/admin';
import { createCardToken, fundWithCard, TEST_CARDS } from '../../support/payments';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { a2aTransfer, registerAgent, type TestAgent } from '../../support/agents';

describe('transaction monitoring', () => {
  let t: TestApp;
  let support: Awaited<ReturnType<typeof createOperator>>;
  beforeAll(async () => {
    t = await startTestApp({
      MONITOR_LARGE_AMOUNT_MINOR: '5000',
      MONITOR_VELOCITY_MAX: '3',
      MONITOR_VELOCITY_WINDOW_MS: '60000',
      MONITOR_DECLINES_MAX: '2',
      MONITOR_POLICY_REFUSALS_MAX: '2',
    });
    support = await createOperator(t, 'support');
  });
  afterAll(() => t.close());

  const monitoring = () => t.container.services.admin.monitoring;
  async function alertsFor(subjectId: string) {
    await monitoring().idle();
    const res = await t.http().get('/api/v1/admin/alerts').query({ limit: 100 }).set(support.auth);
    return (res.body.data as { subjectId: string; rule: string; id: string; details: Record<string, unknown> }[]).filter(
      (a) => a.subjectId === subjectId,
    );
  }

  async function pair() {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const a = await createWallet(t, alice);
    const b = await createWallet(t, bob);
    return { alice, a, b };
  }

  it('when a movement is exactly the large-amount limit, then no alert; one unit above, then one alert', async () => {
    const { alice, a, b } = await pair();
    await fund(t, a.id, 20_000);
    const at = await transfer(t, alice, { fromWalletId: a.id, toWalletId: b.id, amount: '5000' });
    const above = await transfer(t, alice, { fromWalletId: a.id, toWalletId: b.id, amount: '5001' });
    expect(await alertsFor(at.body.transfer.id)).toEqual([]);
    expect(await alertsFor(above.body.transfer.id)).toEqual([
      expect.objectContaining({ rule: 'large_movement', details: expect.objectContaining({ amount: '5001', limit: '5000' }) }),
    ]);
  });

  it('when a wallet sends as many as the velocity limit in the window, then no alert; one more, then one alert only', async () => {
    const { alice, a, b } = await pair();
    await fund(t, a.id, 1_000);
    for (let i = 0; i < 3; i++) expect((await transfer(t, alice, { fromWalletId: a.id, toWalletId: b.id, amount: '1' })).status).toBe(201);
    expect(await alertsFor(a.id)).toEqual([]);
    expect((await transfer(t, alice, { fromWalletId: a.id, toWalletId: b.id, amount: '1' })).status).toBe(201);
    expect(await alertsFor(a.id)).toHaveLength(1);
    const burst = await Promise.all([1, 2, 3].map(() => transfer(t, alice, { fromWalletId: a.id, toWalletId: b.id, amount: '1' })));
    expect(burst.map((r) => r.status)).toEqual([201, 201, 201]);
    const alerts = await alertsFor(a.id);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ rule: 'velocity', details: expect.objectContaining({ limit: 3 }) });
  });

  it('when card declines reach the limit, then the sweep raises nothing; one more, then one alert, once', async () => {
    const alice = await registerUser(t);
    const wallet = await createWallet(t, alice);
    const token = await createCardToken(t, alice.auth, TEST_CARDS.declined);
    const decline = async () =>
      expect((await fundWithCard(t, alice.auth, wallet.id, { tokenId: token.id, amount: '100' })).status).toBe(422);
    await decline();
    await decline();
    await monitoring().sweep();
    expect(await alertsFor(wallet.id)).toEqual([]);
    await decline();
    await monitoring().sweep();
    await monitoring().sweep();
    expect(await alertsFor(wallet.id)).toEqual([
      expect.objectContaining({ rule: 'repeated_declines', details: expect.objectContaining({ count: 3 }) }),
    ]);
  });

  it('when an agent is refused by its policy as often as the limit, before or inside the ledger, then no alert; once more, then one alert', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const payee = await registerAgent(t);
    const noisy = await registerAgent(t, {
      funds: 120,
      policy: { allowedCurrencies: ['USD'], dailyBudget: '150', approvalThreshold: '100' },
    });
    const other = await registerAgent(t, { funds: 500, policy: { maxPerTransaction: '100' } });
    const pay = (agent: TestAgent, amount: string, extra: Record<string, unknown> = {}) =>
      a2aTransfer(t, agent, { to: { agentId: payee.id }, amount, currency: 'USD', ...extra });
    const ledgerRefusals: unknown[] = [];
    const unsubscribe = t.container.events.subscribe('transfer.refused', (e) => void ledgerRefusals.push(e.data));

    // Before the ledger: the currency rule refuses; the ledger never sees it.
    expect((await pay(noisy, '10', { currency: 'EUR' })).body.error.details.rule).toBe('allowed_currencies');
    expect((await pay(other, '101')).body.error.details.rule).toBe('max_per_transaction');
    expect(ledgerRefusals).toEqual([]);
    expect((await pay(noisy, '100')).status).toBe(201);
    // Inside the ledger: the daily budget. The ledger tells transfer.refused too; it must not count twice.
    expect((await pay(noisy, '60')).body.error.details.rule).toBe('daily_budget');
    expect(ledgerRefusals).toEqual([expect.objectContaining({ type: 'agent_payment', reason: 'policy_violation' })]);
    // Not a policy refusal: within budget, but the wallet holds 20.
    expect((await pay(noisy, '30')).body.error.code).toBe('insufficient_funds');
    unsubscribe();
    expect(await alertsFor(noisy.id)).toEqual([]);

    // Above the approval threshold, refused by a mandate before it could wait for the owner.
    const mandate = await t
      .http()
      .post(`/api/v1/agents/${noisy.id}/mandates`)
      .set(noisy.owner.auth)
      .send({ constraints: { amount_range: { max: '50' } }, currency: 'USD', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect((await pay(noisy, '101', { mandate: mandate.body.mandate })).body.error.code).toBe('mandate_constraint_failed');
    expect(await alertsFor(noisy.id)).toEqual([
      expect.objectContaining({
        rule: 'agent_policy_refusals',
        subjectType: 'agent',
        details: expect.objectContaining({ count: 3, limit: 2, lastRule: 'mandate_constraint_failed', ownerId: noisy.owner.id }),
      }),
    ]);
    expect(await alertsFor(other.id)).toEqual([]);
    expect(await alertsFor(noisy.owner.id)).toEqual([]);

    const finance = await createOperator(t, 'finance');
    const summary = await t.http().get('/api/v1/admin/analytics/summary').query({ from: since }).set(finance.auth);
    expect(summary.body.agents.policyRefusals).toEqual({
      count: 4,
      byRule: { allowed_currencies: 1, max_per_transaction: 1, daily_budget: 1, mandate_constraint_failed: 1 },
    });
  });

  it('when support resolves an alert with a note, then it is resolved once and audited', async () => {
    const { alice, a, b } = await pair();
    await fund(t, a.id, 10_000);
    const big = await transfer(t, alice, { fromWalletId: a.id, toWalletId: b.id, amount: '9000' });
    const [alert] = await alertsFor(big.body.transfer.id);
    const resolve = (note: string) => t.http().post(`/api/v1/admin/alerts/${alert!.id}/resolve`).set(support.auth).send({ note });
    const res = await resolve('customer confirmed the purchase');
    expect(res.body).toMatchObject({ status: 'resolved', resolvedBy: support.id, resolutionNote: 'customer confirmed the purchase' });
    expect((await resolve('again')).status).toBe(409);
    expect((await resolve('')).status).toBe(400);
    const rows = await auditRows(t, { action: 'alert.resolve', targetId: alert!.id });
    expect(rows.map((r) => r.outcome)).toEqual(['succeeded', 'refused']);
    const open = await t.http().get('/api/v1/admin/alerts').query({ status: 'open', limit: 100 }).set(support.auth);
    expect(open.body.data.map((x: { id: string }) => x.id)).not.toContain(alert!.id);
  });

  it('when operators search transfers, then every filter narrows the result and the cursor pages it', async () => {
    const { alice, a, b } = await pair();
    await fund(t, a.id, 10_000);
    for (const amount of ['100', '200', '300', '400']) await transfer(t, alice, { fromWalletId: a.id, toWalletId: b.id, amount });
    const search = async (query: Record<string, string | number>) => {
      const res = await t.http().get('/api/v1/admin/transactions').query(query).set(support.auth);
      expect(res.status).toBe(200);
      return res.body as { data: { amount: string; type: string; initiatedBy: string }[]; nextCursor: string | null };
    };
    expect((await search({ walletId: a.id, type: 'transfer' })).data.map((x) => x.amount)).toEqual(['400', '300', '200', '100']);
    expect((await search({ walletId: b.id, minAmount: '200', maxAmount: '300' })).data.map((x) => x.amount)).toEqual(['300', '200']);
    expect((await search({ customerId: alice.id })).data.map((x) => x.type)).toEqual([
      'transfer',
      'transfer',
      'transfer',
      'transfer',
      'adjustment',
    ]);
    expect((await search({ initiatedBy: alice.id, status: 'completed' })).data).toHaveLength(4);
    expect((await search({ walletId: a.id, from: new Date(Date.now() + 60_000).toISOString() })).data).toEqual([]);
    const first = await search({ walletId: a.id, limit: 3 });
    const second = await search({ walletId: a.id, limit: 3, cursor: first.nextCursor! });
    expect([...first.data, ...second.data].map((x) => x.amount)).toEqual(['400', '300', '200', '100', '10000']);
    expect((await t.http().get('/api/v1/admin/transactions').query({ minAmount: '5', maxAmount: '4' }).set(support.auth)).status).toBe(400);
  });
});
