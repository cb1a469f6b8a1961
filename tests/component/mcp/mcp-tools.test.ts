import { randomUUID } from 'node:crypto';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { a2aTransfer, registerAgent, type TestAgent } from '../../support/agents';
import { balanceOf, ledgerInvariants } from '../../support/ledger';
import { listen, mcpClient, refusal, structured } from '../../support/mcp';
import { createMerchant, merchantClientAuth } from '../../support/merchants';
import { redeemCredential, redemptionOf } from '../../support/ucp-credentials';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

type Payment = { payment: { id: string; status: string; amount: string; toAgentId: string | null; source: string }; replayed: boolean };

describe('MCP tools (SDK Client over streamable HTTP)', () => {
  let t: TestApp;
  let http: Awaited<ReturnType<typeof listen>>;
  let payer: TestAgent;
  let payee: TestAgent;
  let client: Client;

  beforeAll(async () => {
    t = await startTestApp({ PUBLIC_BASE_URL: 'https://pay.example.com' });
    http = await listen(t);
    payer = await registerAgent(t, {
      funds: 10_000,
      policy: { maxPerTransaction: '2000', dailyBudget: '5000', approvalThreshold: '1500' },
    });
    payee = await registerAgent(t);
    client = await mcpClient(http.baseUrl, payer.auth.Authorization);
  });
  afterAll(async () => {
    await client.close();
    await http.close();
    await t.close();
  });

  const pay = (args: Record<string, unknown>) =>
    client.callTool({ name: 'pay', arguments: { to_agent_id: payee.id, currency: 'USD', idempotency_key: randomUUID(), ...args } });

  it('when an agent lists the tools, then each has its input and output schema and honest annotations', async () => {
    const { tools } = await client.listTools();
    const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool]));
    expect(Object.keys(byName).sort()).toEqual([
      'complete_checkout',
      'create_checkout',
      'get_balance',
      'get_policy',
      'issue_payment_credential',
      'list_transactions',
      'pay',
      'pay_x402',
      'request_refund',
    ]);
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type).toBe('object');
      // Only pay_x402 fetches a URL outside OCP.
      expect(tool.annotations).toMatchObject({ openWorldHint: tool.name === 'pay_x402' });
    }
    for (const read of ['get_balance', 'get_policy', 'list_transactions']) {
      expect(byName[read]!.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false, idempotentHint: true });
    }
    expect(byName.pay!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true, idempotentHint: true });
    expect(byName.pay!.inputSchema.required).toEqual(expect.arrayContaining(['amount', 'currency', 'idempotency_key']));
    expect(byName.pay!.inputSchema.properties).toMatchObject({ amount: { type: 'string' }, idempotency_key: { type: 'string' } });
    expect(byName.issue_payment_credential!.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
    });
  });

  it('when the agent asks for its balance and policy, then it gets its bound wallet and what the budgets still allow', async () => {
    const before = structured(await client.callTool({ name: 'get_balance', arguments: {} }));
    expect(before).toEqual({
      wallet_id: payer.walletId,
      currency: 'USD',
      balance: String(await balanceOf(t, payer.walletId)),
      status: 'active',
    });

    const policy = structured<{ spent: object; remaining: object; policy: object }>(
      await client.callTool({ name: 'get_policy', arguments: {} }),
    );
    const spentToday = BigInt((policy.spent as { today: string }).today);
    expect(policy).toMatchObject({
      agent_id: payer.id,
      status: 'active',
      policy: {
        max_per_transaction: '2000',
        daily_budget: '5000',
        monthly_budget: null,
        approval_threshold: '1500',
        allowed_currencies: [],
      },
      remaining: { today: String(5000n - spentToday), this_month: null },
      wallet: { wallet_id: payer.walletId },
    });
  });

  it('when the agent pays another agent, then money moves once, and a retry with the same key replays the first result', async () => {
    const payerBefore = await balanceOf(t, payer.walletId);
    const payeeBefore = await balanceOf(t, payee.walletId);
    const key = randomUUID();
    const first = structured<Payment>(await pay({ amount: '250', memo: 'for the report', idempotency_key: key }));
    expect(first).toMatchObject({ replayed: false, payment: { status: 'completed', amount: '250', toAgentId: payee.id, source: 'mcp' } });
    const again = structured<Payment>(await pay({ amount: '250', memo: 'for the report', idempotency_key: key }));
    expect(again).toEqual({ ...first, replayed: true });
    expect(await balanceOf(t, payer.walletId)).toBe(payerBefore - 250n);
    expect(await balanceOf(t, payee.walletId)).toBe(payeeBefore + 250n);

    const policy = structured<{ spent: { today: string } }>(await client.callTool({ name: 'get_policy', arguments: {} }));
    expect(BigInt(policy.spent.today)).toBeGreaterThanOrEqual(250n);
  });

  it('when the same key comes back with another payment, then the tool refuses with idempotency_conflict and nothing moves', async () => {
    const key = randomUUID();
    structured(await pay({ amount: '10', idempotency_key: key }));
    const before = await balanceOf(t, payer.walletId);
    expect(refusal(await pay({ amount: '11', idempotency_key: key })).code).toBe('idempotency_conflict');
    expect(await balanceOf(t, payer.walletId)).toBe(before);
  });

  it('when one key is used over REST and then over MCP for the same payment, then it is one payment', async () => {
    const key = randomUUID();
    const rest = await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '33', currency: 'USD' }, key);
    expect(rest.status).toBe(201);
    const before = await balanceOf(t, payer.walletId);
    const mcp = structured<Payment>(await pay({ amount: '33', idempotency_key: key }));
    expect(mcp).toMatchObject({ replayed: true, payment: { id: rest.body.id } });
    expect(await balanceOf(t, payer.walletId)).toBe(before);
  });

  it("when a payment carries the owner's signed mandate, then the mandate is checked too and its hash is kept", async () => {
    const issued = await t
      .http()
      .post(`/api/v1/agents/${payer.id}/mandates`)
      .set(payer.owner.auth)
      .send({
        constraints: { amount_range: { max: '100' }, allowed_payees: [payee.id] },
        currency: 'USD',
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      });
    expect(issued.status).toBe(201);
    const mandate = issued.body.mandate as string;
    const paid = structured<Payment & { payment: { mandateHash: string | null } }>(await pay({ amount: '100', mandate }));
    expect(paid.payment.mandateHash).toMatch(/^[0-9a-f]{64}$/);
    const over = refusal(await pay({ amount: '101', mandate }));
    expect(over).toMatchObject({ code: 'mandate_constraint_failed', details: { constraint: 'amount_range' } });
  });

  it('when a payment breaks the policy, then the result is a tool error naming the rule, not a protocol error', async () => {
    const before = await balanceOf(t, payer.walletId);
    const refused = refusal(await pay({ amount: '2001' }));
    expect(refused).toMatchObject({ code: 'policy_violation', details: { rule: 'max_per_transaction' } });
    expect(await balanceOf(t, payer.walletId)).toBe(before);
  });

  it('when a payment is above the approval threshold, then it waits for the owner and nothing moves', async () => {
    const before = await balanceOf(t, payer.walletId);
    const waiting = structured<Payment>(await pay({ amount: '1600' }));
    expect(waiting.payment.status).toBe('pending_approval');
    expect(await balanceOf(t, payer.walletId)).toBe(before);
  });

  it('when the wallet cannot cover the payment, then the tool error is insufficient_funds', async () => {
    const poor = await registerAgent(t, { funds: 5 });
    const poorClient = await mcpClient(http.baseUrl, poor.auth.Authorization);
    try {
      const result = await poorClient.callTool({
        name: 'pay',
        arguments: { to_agent_id: payee.id, amount: '6', currency: 'USD', idempotency_key: randomUUID() },
      });
      expect(refusal(result).code).toBe('insufficient_funds');
    } finally {
      await poorClient.close();
    }
  });

  it('when the arguments are invalid, then the tool result is an error that says which argument', async () => {
    const bareNumber = await client.callTool({
      name: 'pay',
      arguments: { to_agent_id: payee.id, amount: 100, currency: 'USD', idempotency_key: 'k' },
    });
    expect(bareNumber.isError).toBe(true);
    expect(JSON.stringify(bareNumber.content)).toContain('amount');
    const both = await pay({ amount: '1', to_wallet_id: payee.walletId });
    expect(both.isError).toBe(true);
    expect(JSON.stringify(both.content)).toContain('exactly one of to_agent_id and to_wallet_id');
    const noKey = await client.callTool({ name: 'pay', arguments: { to_agent_id: payee.id, amount: '1', currency: 'USD' } });
    expect(noKey.isError).toBe(true);
    expect(JSON.stringify(noKey.content)).toContain('idempotency_key');
  });

  it('when the agent pays a wallet, then the wallet is credited', async () => {
    const owner = await registerUser(t);
    const shop = await registerAgent(t, { owner });
    const before = await balanceOf(t, shop.walletId);
    const paid = structured<Payment>(await pay({ to_agent_id: undefined, to_wallet_id: shop.walletId, amount: '40' }));
    expect(paid.payment).toMatchObject({ status: 'completed', toAgentId: null });
    expect(await balanceOf(t, shop.walletId)).toBe(before + 40n);
  });

  it('when the agent lists its transactions, then pages follow next_cursor, newest first, and only its wallet shows', async () => {
    const seen: { id: string; created_at: string; direction: string }[] = [];
    let cursor: string | undefined;
    do {
      const args: Record<string, unknown> = { limit: 2, ...(cursor ? { cursor } : {}) };
      const page = structured<{ transactions: typeof seen; next_cursor: string | null }>(
        await client.callTool({ name: 'list_transactions', arguments: args }),
      );
      expect(page.transactions.length).toBeLessThanOrEqual(2);
      seen.push(...page.transactions);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    const rows = await t.container.db.query<{ n: number }>('SELECT count(*)::int AS n FROM transactions WHERE wallet_id = $1', [
      payer.walletId,
    ]);
    expect(seen).toHaveLength(rows.rows[0]!.n);
    expect(new Set(seen.map((s) => s.id)).size).toBe(seen.length);
    expect([...seen].sort((a, b) => b.created_at.localeCompare(a.created_at))).toEqual(seen);
    expect(seen.at(-1)!.direction).toBe('credit'); // the funding came first
    expect(refusal(await client.callTool({ name: 'list_transactions', arguments: { cursor: 'not-a-cursor' } })).code).toBe(
      'validation_failed',
    );
  });

  it('when the agent asks for a UCP payment credential, then it gets one the merchant redeems once', async () => {
    const owner = await registerUser(t);
    const merchant = await createMerchant(t, owner);
    const merchantClient = await merchantClientAuth(t, owner, merchant.id);
    const issued = structured<{ credential: { token: string }; checkout_id: string; amount: string; currency: string; instrument: object }>(
      await client.callTool({
        name: 'issue_payment_credential',
        arguments: { merchant_id: merchant.id, checkout_id: 'chk_mcp_1', amount: '120', currency: 'USD' },
      }),
    );
    expect(issued).toMatchObject({ checkout_id: 'chk_mcp_1', amount: '120', instrument: { handler_id: expect.any(String) } });
    const redeemed = await redeemCredential(t, merchantClient.auth, redemptionOf(issued));
    expect(redeemed.status).toBe(201);
    expect(await balanceOf(t, merchant.walletId)).toBe(120n);

    const tooMuch = await client.callTool({
      name: 'issue_payment_credential',
      arguments: { merchant_id: merchant.id, checkout_id: 'chk_mcp_2', amount: '2500', currency: 'USD' },
    });
    expect(refusal(tooMuch)).toMatchObject({ code: 'policy_violation', details: { rule: 'max_per_transaction' } });
  });

  it('when the agent reads its resources, then it sees its wallet and recent payments, and no other wallet', async () => {
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri).sort()).toEqual([`ocp://payments/recent`, `ocp://wallets/${payer.walletId}`]);
    const wallet = await client.readResource({ uri: `ocp://wallets/${payer.walletId}` });
    expect(JSON.parse((wallet.contents[0] as { text: string }).text)).toMatchObject({
      wallet_id: payer.walletId,
      balance: String(await balanceOf(t, payer.walletId)),
    });
    const recent = await client.readResource({ uri: 'ocp://payments/recent' });
    const payments = (JSON.parse((recent.contents[0] as { text: string }).text) as { payments: { agentId: string }[] }).payments;
    expect(payments.length).toBeGreaterThan(3);
    expect(payments.every((p) => p.agentId === payer.id)).toBe(true);
    await expect(client.readResource({ uri: `ocp://wallets/${payee.walletId}` })).rejects.toThrow(/not found/);
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((r) => r.uriTemplate)).toEqual(['ocp://wallets/{id}']);
  });

  it('after all of it, the ledger balances', async () => {
    expect(await ledgerInvariants(t)).toMatchObject({ unbalancedTransfers: 0, walletsWhoseBalanceDisagreesWithEntries: 0 });
  });
});
