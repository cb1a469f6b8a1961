import { randomUUID } from 'node:crypto';
import { CheckoutResponseSchema, OrderConfirmationSchema } from '@ucp-js/sdk';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { registerAgent, type TestAgent } from '../../support/agents';
import { balanceOf, ledgerInvariants } from '../../support/ledger';
import { listen, mcpClient, refusal, structured } from '../../support/mcp';
import { createMerchant } from '../../support/merchants';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { addProduct } from '../../support/ucp-checkout';

interface Checkout {
  id: string;
  status: string;
  currency: string;
  line_items: { item: { id: string; price: number }; quantity: number }[];
  totals: { type: string; amount: number }[];
  messages: { type: string; code: string; path?: string }[];
  order?: { id: string; permalink_url: string };
}
const totalOf = (c: Checkout) => c.totals.find((x) => x.type === 'total')!.amount;

describe('the UCP buyer flow over MCP (create_checkout, complete_checkout)', () => {
  let t: TestApp;
  let http: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    t = await startTestApp({ PUBLIC_BASE_URL: 'https://pay.example.com' });
    http = await listen(t);
  });
  afterAll(async () => {
    await http.close();
    await t.close();
  });

  /** A merchant with 8 % tax selling a 25.00 USD tee (stock 10), and an agent holding `funds`. */
  async function shop(agentOptions: Parameters<typeof registerAgent>[1] = { funds: 20_000 }) {
    const owner = await registerUser(t);
    const merchant = await createMerchant(t, owner);
    expect((await t.http().patch(`/api/v1/merchants/${merchant.id}`).set(owner.auth).send({ taxRateBps: 800 })).status).toBe(200);
    await addProduct(t, owner, merchant.id, { id: 'tee', title: 'Red T-Shirt', price: 2500, stock: 10 });
    const agent = await registerAgent(t, agentOptions);
    const client = await mcpClient(http.baseUrl, agent.auth.Authorization);
    return { owner, merchant, agent, client };
  }

  async function create(client: Client, merchantId: string, lineItems = [{ item_id: 'tee', quantity: 2 }]) {
    return structured<{ checkout: Checkout }>(
      await client.callTool({ name: 'create_checkout', arguments: { merchant_id: merchantId, line_items: lineItems } }),
    ).checkout;
  }

  const paymentsOf = async (agent: TestAgent) =>
    (await t.container.db.query<{ n: number }>('SELECT count(*)::int AS n FROM agent_payments WHERE agent_id = $1', [agent.id])).rows[0]!.n;
  const ordersOf = async (merchantId: string) =>
    (await t.container.db.query<{ n: number }>('SELECT count(*)::int AS n FROM merchant_orders WHERE merchant_id = $1', [merchantId]))
      .rows[0]!.n;

  it('when the agent creates and completes a checkout, then the order exists, the merchant is credited exactly the total and the agent debited it', async () => {
    const { owner, merchant, agent, client } = await shop();
    try {
      const listed = (await client.listTools()).tools.filter((x) => x.name.endsWith('_checkout'));
      expect(Object.fromEntries(listed.map((x) => [x.name, x.annotations]))).toEqual({
        create_checkout: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
        complete_checkout: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
      });

      const created = await create(client, merchant.id);
      // The checkout is UCP's checkout response, priced from the catalog: 2 × 2500, 8 % tax.
      expect(() => CheckoutResponseSchema.parse(created)).not.toThrow();
      expect(created).toMatchObject({ status: 'ready_for_complete', currency: 'USD', messages: [] });
      expect(created.line_items).toMatchObject([{ item: { id: 'tee', price: 2500 }, quantity: 2 }]);
      expect(totalOf(created)).toBe(5400);
      const recorded = await t.container.db.query<{ ucp_agent_profile: string }>(
        'SELECT ucp_agent_profile FROM checkout_sessions WHERE id = $1',
        [created.id],
      );
      expect(recorded.rows[0]!.ucp_agent_profile).toBe('https://pay.example.com/mcp');

      const key = randomUUID();
      const done = structured<{ checkout: Checkout; payment_id: string; replayed: boolean }>(
        await client.callTool({
          name: 'complete_checkout',
          arguments: { merchant_id: merchant.id, checkout_id: created.id, idempotency_key: key },
        }),
      );
      expect(done.replayed).toBe(false);
      expect(done.checkout.status).toBe('completed');
      expect(done.payment_id).toMatch(/^apm_/);
      const order = OrderConfirmationSchema.parse(done.checkout.order);
      const seen = await t.http().get(`/api/v1/merchants/${merchant.id}/orders/${order.id}`).set(owner.auth);
      expect(seen.status).toBe(200);
      expect(seen.body).toMatchObject({ id: order.id, checkoutId: created.id, total: '5400', paymentId: done.payment_id });

      expect(await balanceOf(t, merchant.walletId)).toBe(5_400n);
      expect(await balanceOf(t, agent.walletId)).toBe(20_000n - 5_400n);

      // A retry with the key replays; another key finds the checkout completed; nothing moves again.
      const again = await client.callTool({
        name: 'complete_checkout',
        arguments: { merchant_id: merchant.id, checkout_id: created.id, idempotency_key: key },
      });
      expect(structured(again)).toEqual({ ...done, replayed: true });
      const other = await client.callTool({
        name: 'complete_checkout',
        arguments: { merchant_id: merchant.id, checkout_id: created.id, idempotency_key: randomUUID() },
      });
      expect(refusal(other).code).toBe('checkout_completed');
      // The key of one purchase is not the key of another.
      const second = await create(client, merchant.id, [{ item_id: 'tee', quantity: 1 }]);
      const reused = await client.callTool({
        name: 'complete_checkout',
        arguments: { merchant_id: merchant.id, checkout_id: second.id, idempotency_key: key },
      });
      expect(refusal(reused).code).toBe('idempotency_conflict');
      expect(await balanceOf(t, merchant.walletId)).toBe(5_400n);
      expect(await paymentsOf(agent)).toBe(1);
      expect(await ordersOf(merchant.id)).toBe(1);
      expect(await ledgerInvariants(t)).toMatchObject({ unbalancedTransfers: 0, walletsWhoseBalanceDisagreesWithEntries: 0 });
    } finally {
      await client.close();
    }
  });

  it('when the total is above the policy cap, then complete_checkout is a tool error naming the rule and nothing moves', async () => {
    const { merchant, agent, client } = await shop({ funds: 20_000, policy: { maxPerTransaction: '5000' } });
    try {
      const created = await create(client, merchant.id);
      const refused = await client.callTool({
        name: 'complete_checkout',
        arguments: { merchant_id: merchant.id, checkout_id: created.id, idempotency_key: randomUUID() },
      });
      expect(refusal(refused)).toMatchObject({ code: 'policy_violation', details: { rule: 'max_per_transaction' } });
      expect(await balanceOf(t, agent.walletId)).toBe(20_000n);
      expect(await ordersOf(merchant.id)).toBe(0);
    } finally {
      await client.close();
    }
  });

  it('when a line names no product of the catalog, then the checkout says so in its messages and cannot be completed', async () => {
    const { merchant, client } = await shop();
    try {
      const created = await create(client, merchant.id, [
        { item_id: 'tee', quantity: 1 },
        { item_id: 'no-such-thing', quantity: 1 },
      ]);
      expect(created.status).toBe('incomplete');
      expect(created.messages).toEqual([
        expect.objectContaining({ type: 'error', code: 'item_not_found', path: '$.line_items[1].item.id' }),
      ]);
      const refused = await client.callTool({
        name: 'complete_checkout',
        arguments: { merchant_id: merchant.id, checkout_id: created.id, idempotency_key: randomUUID() },
      });
      expect(refusal(refused).code).toBe('checkout_not_ready');
    } finally {
      await client.close();
    }
  });

  it('when the merchant requires AP2 mandates, then complete_checkout is refused with mandate_required and nothing moves', async () => {
    const { owner, merchant, agent, client } = await shop();
    try {
      const created = await create(client, merchant.id);
      expect((await t.http().patch(`/api/v1/merchants/${merchant.id}`).set(owner.auth).send({ ap2Mandate: 'required' })).status).toBe(200);
      const refused = await client.callTool({
        name: 'complete_checkout',
        arguments: { merchant_id: merchant.id, checkout_id: created.id, idempotency_key: randomUUID() },
      });
      expect(refusal(refused).code).toBe('mandate_required');
      expect(await balanceOf(t, agent.walletId)).toBe(20_000n);
    } finally {
      await client.close();
    }
  });

  it('when 8 complete_checkout calls with one key race from separate clients, then one order and one payment', async () => {
    const { merchant, agent } = await shop();
    const clients = await Promise.all(Array.from({ length: 8 }, () => mcpClient(http.baseUrl, agent.auth.Authorization)));
    try {
      const created = await create(clients[0]!, merchant.id);
      const args = { merchant_id: merchant.id, checkout_id: created.id, idempotency_key: randomUUID() };
      const results = await Promise.all(clients.map((c) => c.callTool({ name: 'complete_checkout', arguments: args })));

      const completed = results.filter((r) => !r.isError).map((r) => r.structuredContent as { payment_id: string; replayed: boolean });
      expect(completed.filter((c) => !c.replayed)).toHaveLength(1);
      expect(new Set(completed.map((c) => c.payment_id)).size).toBe(1);
      expect(results.filter((r) => r.isError).map((r) => refusal(r).code)).toEqual(
        Array(results.length - completed.length).fill('idempotency_in_flight'),
      );
      expect(await paymentsOf(agent)).toBe(1);
      expect(await ordersOf(merchant.id)).toBe(1);
      expect(await balanceOf(t, merchant.walletId)).toBe(5_400n);
      expect(await balanceOf(t, agent.walletId)).toBe(20_000n - 5_400n);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });
});
