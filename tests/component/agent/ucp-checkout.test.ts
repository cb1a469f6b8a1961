import { randomUUID } from 'node:crypto';
import { registerAgent, type TestAgent } from '../../support/agents';
import { balanceOf, createWallet } from '../../support/ledger';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { ucpCheckout } from '../../support/ucp';

describe('POST /api/v1/ucp/checkout/pay', () => {
  let t: TestApp;
  let merchantWallet: string;
  beforeAll(async () => {
    t = await startTestApp();
    merchantWallet = (await createWallet(t, await registerUser(t))).id;
  });
  afterAll(() => t.close());

  const pay = (
    agent: TestAgent,
    checkout: unknown,
    key = randomUUID(),
    payee: unknown = { merchant_id: 'merchant_acme', wallet_id: merchantWallet },
  ) => t.http().post('/api/v1/ucp/checkout/pay').set(agent.auth).set('Idempotency-Key', key).send({ checkout, payee });

  it('when a ready checkout is paid, then the merchant gets the total and the checkout comes back completed with an order', async () => {
    const agent = await registerAgent(t, { funds: 10_000, policy: { allowedCounterparties: ['merchant_acme'] } });
    const before = await balanceOf(t, merchantWallet);
    const checkout = ucpCheckout();
    const res = await pay(agent, checkout);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: checkout.id, status: 'completed', order: { id: expect.stringMatching(/^apm_/) }, messages: [] });
    expect(res.body.ucp).toMatchObject({ version: '2026-04-08', status: 'success' });
    expect(await balanceOf(t, merchantWallet)).toBe(before + 3_600n);
    expect(await balanceOf(t, agent.walletId)).toBe(6_400n);
    const { rows } = await t.container.db.query<{ reference: string; source: string }>(
      'SELECT reference, source FROM agent_payments WHERE id = $1',
      [res.body.order.id],
    );
    expect(rows[0]).toEqual({ reference: checkout.id, source: 'ucp_checkout' });
  });

  it('when the same request is replayed, then the same completed checkout and one payment; another key for the same checkout is refused', async () => {
    const agent = await registerAgent(t, { funds: 10_000 });
    const checkout = ucpCheckout();
    const key = randomUUID();
    const first = await pay(agent, checkout, key);
    const replay = await pay(agent, checkout, key);
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    const second = await pay(agent, checkout);
    expect(second.status).toBe(422);
    expect(second.body.messages[0].code).toBe('checkout_already_paid');
    expect(await balanceOf(t, agent.walletId)).toBe(6_400n);
  });

  it('when the totals do not follow from the line items, then 422 with a UCP message at the path and nothing paid', async () => {
    const agent = await registerAgent(t, { funds: 10_000 });
    const wrongTotal = ucpCheckout({
      totals: [
        { type: 'subtotal', amount: 3500 },
        { type: 'total', amount: 3400 },
      ],
    });
    const res = await pay(agent, wrongTotal);
    expect(res.status).toBe(422);
    expect(res.body.ucp.status).toBe('error');
    expect(res.body.messages).toEqual([expect.objectContaining({ type: 'error', code: 'totals_mismatch', path: '$.totals' })]);
    const badLine = ucpCheckout();
    badLine.line_items[0]!.totals = [{ type: 'subtotal', amount: 2999 }];
    const line = await pay(agent, badLine);
    expect(line.body.messages.map((m: { path: string }) => m.path)).toContain('$.line_items[0].totals');
    expect(await balanceOf(t, agent.walletId)).toBe(10_000n);
  });

  it.each(['completed', 'canceled', 'incomplete'])('when the checkout status is %s, then it is not paid', async (status) => {
    const agent = await registerAgent(t, { funds: 10_000 });
    const res = await pay(agent, ucpCheckout({ status }));
    expect(res.status).toBe(422);
    expect(res.body.messages[0]).toMatchObject({ code: 'checkout_not_completable', path: '$.status' });
    expect(await balanceOf(t, agent.walletId)).toBe(10_000n);
  });

  it('when the checkout has expired, then checkout_expired and nothing paid', async () => {
    const agent = await registerAgent(t, { funds: 10_000 });
    const res = await pay(agent, ucpCheckout({ expires_at: '2020-01-01T00:00:00Z' }));
    expect(res.status).toBe(422);
    expect(res.body.messages[0]).toMatchObject({ code: 'checkout_expired', path: '$.expires_at' });
  });

  it('when a field is missing or the version is unknown, then 400 naming the path', async () => {
    const agent = await registerAgent(t, { funds: 10_000 });
    const { line_items: _drop, ...noLines } = ucpCheckout();
    const missing = await pay(agent, noLines);
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.fields.map((f: { field: string }) => f.field)).toContain('body.checkout.line_items');
    const noPrice = ucpCheckout();
    delete (noPrice.line_items[1]!.item as { price?: number }).price;
    const price = await pay(agent, noPrice);
    expect(price.body.error.details.fields[0].field).toBe('body.checkout.line_items.1.item.price');
    const version = await pay(agent, ucpCheckout({ ucp: { version: '2025-01-01' } }));
    expect(version.status).toBe(400);
    expect(version.body.error.details.fields[0].field).toBe('body.checkout.ucp.version');
  });

  it("when the payment goes over the agent's budget, then 422 with the policy rule in messages", async () => {
    const agent = await registerAgent(t, { funds: 10_000, policy: { dailyBudget: '3000' } });
    const res = await pay(agent, ucpCheckout());
    expect(res.status).toBe(422);
    expect(res.body.messages[0]).toMatchObject({ code: 'policy_violation' });
    expect(res.body.messages[0].content).toContain('daily_budget');
  });

  it('when no instrument uses the OCP handler, then payment_handler_unsupported', async () => {
    const agent = await registerAgent(t, { funds: 10_000 });
    const res = await pay(agent, ucpCheckout({ payment: { instruments: [{ id: 'x', handler_id: 'google_pay', type: 'card' }] } }));
    expect(res.status).toBe(422);
    expect(res.body.messages[0].code).toBe('payment_handler_unsupported');
  });
});
