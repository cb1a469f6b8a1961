import { randomUUID } from 'node:crypto';
import type { TestAgent } from '../../support/agents';
import { registerUser, type TestApp } from '../../support/test-app';
import { startX402Payers, type startResourceServer } from '../../support/x402';

/**
 * Issue #17 item 7: an x402 payment is recorded "in the agent's history and audit log": its record
 * is listed to the agent (GET /api/v1/x402/payments) and to its owner (GET
 * /api/v1/agents/{id}/x402-payments) a page at a time, and each decision (signed within policy,
 * refused by a rule, what the server made of it) is in the agent's audit log.
 */
describe('x402 payments in the history and the audit log', () => {
  let x: Awaited<ReturnType<typeof startX402Payers>>;
  let t: TestApp;
  let assetKey: string;
  let payTo: string;
  let shop: Awaited<ReturnType<typeof startResourceServer>>;

  beforeAll(async () => {
    x = await startX402Payers();
    ({ t, assetKey, payTo } = x);
    shop = await x.shop(10_000n);
  });
  afterAll(async () => {
    await shop.close();
    await x.close();
  });

  const agentWith = async (policy: Record<string, unknown> = {}): Promise<TestAgent> => (await x.agentWith(policy)).agent;

  const pay = (agent: TestAgent) =>
    t
      .http()
      .post('/api/v1/x402/pay')
      .set(agent.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ url: `${shop.url}/weather`, maxAmount: '20000' });

  /** Every page of a list, following nextCursor. */
  async function allPages(path: string, auth: Record<string, string>) {
    const pages: { data: { id: string }[]; nextCursor: string | null }[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: (typeof pages)[number] } = await t
        .http()
        .get(`${path}?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
        .set(auth);
      expect(res.status).toBe(200);
      pages.push(res.body);
      cursor = res.body.nextCursor;
    } while (cursor !== null && pages.length < 10);
    return pages;
  }

  it('when an agent paid twice, then it and its owner list both payments, newest first, one page at a time', async () => {
    const agent = await agentWith();
    const first = (await pay(agent)).body.payment;
    const second = (await pay(agent)).body.payment;
    expect([first.status, second.status]).toEqual(['paid', 'paid']);

    const own = await allPages('/api/v1/x402/payments', agent.auth);
    expect(own.map((p) => p.data.map((x) => x.id))).toEqual([[second.id], [first.id]]);
    expect(own[0]!.data[0]).toEqual({
      id: second.id,
      agentId: agent.id,
      url: `${shop.url}/weather`,
      asset: assetKey,
      payTo,
      amount: '10000',
      status: 'paid',
      httpStatus: 200,
      settlementTx: second.settlementTx,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const owners = await allPages(`/api/v1/agents/${agent.id}/x402-payments`, agent.owner.auth);
    expect(owners.map((p) => p.data.map((x) => x.id))).toEqual([[second.id], [first.id]]);
  });

  it("when another user, or the agent itself, asks for an agent's payments through the owner's route, then 404 / 403", async () => {
    const agent = await agentWith();
    const stranger = await registerUser(t);
    const foreign = await t.http().get(`/api/v1/agents/${agent.id}/x402-payments`).set(stranger.auth);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('agent_not_found');
    expect((await t.http().get(`/api/v1/agents/${agent.id}/x402-payments`).set(agent.auth)).status).toBe(403);
    expect((await t.http().get('/api/v1/x402/payments').set(stranger.auth)).status).toBe(403);
    expect((await t.http().get('/api/v1/x402/payments?cursor=not-a-cursor').set(agent.auth)).status).toBe(400);
  });

  it('when a payment is signed and paid, and others are refused by the cap and the daily budget, then each decision is in the audit log', async () => {
    const agent = await agentWith({ x402MaxPerRequest: '10000', x402DailyBudget: '15000' });
    const paid = (await pay(agent)).body.payment;
    const overBudget = await pay(agent);
    expect(overBudget.body.error.details.rule).toBe('x402_daily_budget');
    const capped = await agentWith({ x402MaxPerRequest: '9999' });
    expect((await pay(capped)).body.error.details.rule).toBe('x402_max_per_request');

    const audit = await t.http().get(`/api/v1/agents/${agent.id}/audit`).set(agent.owner.auth);
    expect(audit.status).toBe(200);
    const common = { amount: '10000', currency: null, asset: assetKey, policyVersion: expect.any(Number) };
    expect(audit.body.data).toEqual([
      expect.objectContaining({ ...common, decision: 'refused', rule: 'x402_daily_budget', paymentId: expect.stringMatching(/^x4p_/) }),
      expect.objectContaining({
        ...common,
        decision: 'paid',
        rule: null,
        paymentId: paid.id,
        reason: expect.stringContaining(paid.settlementTx),
      }),
      expect.objectContaining({ ...common, decision: 'allowed', rule: null, paymentId: paid.id, reason: expect.stringContaining(payTo) }),
    ]);
    const cappedAudit = await t.http().get(`/api/v1/agents/${capped.id}/audit`).set(capped.owner.auth);
    expect(cappedAudit.body.data).toEqual([expect.objectContaining({ ...common, decision: 'refused', rule: 'x402_max_per_request' })]);
  });
});
