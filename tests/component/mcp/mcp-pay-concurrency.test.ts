import { randomUUID } from 'node:crypto';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { registerAgent } from '../../support/agents';
import { balanceOf, ledgerInvariants } from '../../support/ledger';
import { listen, mcpClient, refusal } from '../../support/mcp';
import { createMerchant } from '../../support/merchants';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

describe('MCP pay under concurrency', () => {
  let t: TestApp;
  let http: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    t = await startTestApp();
    http = await listen(t);
  });
  afterAll(async () => {
    await http.close();
    await t.close();
  });

  it('when 12 pay calls with one idempotency key race from separate clients, then money moves once and the rest replay it or are told to retry', async () => {
    const payer = await registerAgent(t, { funds: 10_000 });
    const payee = await registerAgent(t);
    const clients: Client[] = await Promise.all(Array.from({ length: 12 }, () => mcpClient(http.baseUrl, payer.auth.Authorization)));
    try {
      const args = { to_agent_id: payee.id, amount: '700', currency: 'USD', idempotency_key: randomUUID() };
      const results = await Promise.all(clients.map((c) => c.callTool({ name: 'pay', arguments: args })));

      const paid = results.filter((r) => !r.isError).map((r) => r.structuredContent as { payment: { id: string }; replayed: boolean });
      const refused = results.filter((r) => r.isError).map(refusal);
      expect(paid.length).toBeGreaterThanOrEqual(1);
      expect(paid.filter((p) => !p.replayed)).toHaveLength(1);
      expect(new Set(paid.map((p) => p.payment.id)).size).toBe(1);
      expect(refused.every((e) => e.code === 'idempotency_in_flight')).toBe(true);

      expect(await balanceOf(t, payer.walletId)).toBe(10_000n - 700n);
      expect(await balanceOf(t, payee.walletId)).toBe(700n);
      const payments = await t.container.db.query<{ n: number }>('SELECT count(*)::int AS n FROM agent_payments WHERE agent_id = $1', [
        payer.id,
      ]);
      expect(payments.rows[0]!.n).toBe(1);

      // A late retry after the race replays the one payment.
      const late = await clients[0]!.callTool({ name: 'pay', arguments: args });
      expect(late.structuredContent).toMatchObject({ replayed: true, payment: { id: paid[0]!.payment.id } });
      expect(await ledgerInvariants(t)).toMatchObject({ unbalancedTransfers: 0, walletsWhoseBalanceDisagreesWithEntries: 0 });
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });

  it('when 12 pay calls with distinct keys race against a daily budget, then the budget holds', async () => {
    const payer = await registerAgent(t, { funds: 10_000, policy: { dailyBudget: '1000' } });
    const payee = await registerAgent(t);
    const client = await mcpClient(http.baseUrl, payer.auth.Authorization);
    try {
      const results = await Promise.all(
        Array.from({ length: 12 }, () =>
          client.callTool({
            name: 'pay',
            arguments: { to_agent_id: payee.id, amount: '300', currency: 'USD', idempotency_key: randomUUID() },
          }),
        ),
      );
      expect(results.filter((r) => !r.isError)).toHaveLength(3);
      expect(results.filter((r) => r.isError).map((r) => refusal(r).details?.rule)).toEqual(Array(9).fill('daily_budget'));
      expect(await balanceOf(t, payee.walletId)).toBe(900n);
    } finally {
      await client.close();
    }
  });
});

describe('MCP pay and the payment rate limit', () => {
  let t: TestApp;
  let http: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PAYMENT_MAX: '2' });
    http = await listen(t);
  });
  afterAll(async () => {
    await http.close();
    await t.close();
  });

  it('when an agent calls pay more often than the payment limit allows, then the extra call is refused (rate_limited) and reads still answer', async () => {
    const payer = await registerAgent(t, { funds: 1_000 });
    const payee = await registerAgent(t);
    const client = await mcpClient(http.baseUrl, payer.auth.Authorization);
    try {
      const pay = () =>
        client.callTool({ name: 'pay', arguments: { to_agent_id: payee.id, amount: '1', currency: 'USD', idempotency_key: randomUUID() } });
      for (let i = 0; i < 3; i += 1) await client.callTool({ name: 'get_balance', arguments: {} });
      expect((await pay()).isError).toBeFalsy();
      expect((await pay()).isError).toBeFalsy();
      await expect(pay()).rejects.toThrow(/rate_limited/);
      expect(await balanceOf(t, payee.walletId)).toBe(2n);
      expect((await client.callTool({ name: 'get_balance', arguments: {} })).isError).toBeFalsy();
    } finally {
      await client.close();
    }
  });

  it('when an agent calls complete_checkout past the payment limit, then the extra call is refused (rate_limited) and create_checkout still answers', async () => {
    const merchant = await createMerchant(t, await registerUser(t));
    const agent = await registerAgent(t, { funds: 1_000 });
    const client = await mcpClient(http.baseUrl, agent.auth.Authorization);
    try {
      const complete = () =>
        client.callTool({
          name: 'complete_checkout',
          arguments: { merchant_id: merchant.id, checkout_id: 'chk_unknown', idempotency_key: randomUUID() },
        });
      expect(refusal(await complete()).code).toBe('checkout_not_found');
      expect(refusal(await complete()).code).toBe('checkout_not_found');
      await expect(complete()).rejects.toThrow(/rate_limited/);
      const created = await client.callTool({
        name: 'create_checkout',
        arguments: { merchant_id: merchant.id, line_items: [{ item_id: 'tee', quantity: 1 }] },
      });
      expect(created.isError).toBeFalsy();
    } finally {
      await client.close();
    }
  });
});
