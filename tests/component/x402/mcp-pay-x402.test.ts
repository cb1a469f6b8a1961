import { randomUUID } from 'node:crypto';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Wallet } from 'ethers';
import { registerAgent, type TestAgent } from '../../support/agents';
import { listen as listenForMcp, mcpClient, refusal, structured } from '../../support/mcp';
import { startTestApp, type TestApp } from '../../support/test-app';
import { startX402Payers } from '../../support/x402';

type Paid = {
  status: number;
  body: string;
  payment: { id: string; asset: string; payTo: string; amount: string; status: string; settlementTx: string | null } | null;
  replayed: boolean;
};

/**
 * Issue #17 items 5 and 7: the MCP tool pay_x402 is POST /api/v1/x402/pay by another road, with
 * the SDK's Client against an @x402/express server that settles through OCP's facilitator on anvil.
 */
describe('MCP tool pay_x402', () => {
  let x: Awaited<ReturnType<typeof startX402Payers>>;
  let usdc: Awaited<ReturnType<typeof startX402Payers>>['usdc'];
  let payTo: string;
  let assetKey: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    x = await startX402Payers();
    ({ usdc, payTo, assetKey } = x);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await x.close();
  });

  const shop = (amount: bigint) => x.shop(amount);
  const payments = (agent: TestAgent) => x.paymentsOf(agent.id);

  /** An agent of startX402Payers and its MCP client. */
  async function agentWith(policy: Record<string, unknown> = {}) {
    const { agent, wallet } = await x.agentWith(policy);
    const client = await mcpClient(x.ocp.url, agent.auth.Authorization);
    clients.push(client);
    return { agent, wallet, client };
  }

  const payX402 = (client: Client, args: Record<string, unknown>) =>
    client.callTool({ name: 'pay_x402', arguments: { idempotency_key: randomUUID(), ...args } });

  it('when an agent lists the tools, then pay_x402 is there with its schemas and says it pays and reaches outside OCP', async () => {
    const { client } = await agentWith();
    const tool = (await client.listTools()).tools.find((candidate) => candidate.name === 'pay_x402');
    expect(tool?.annotations).toEqual({ readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true });
    expect(tool?.inputSchema.required).toEqual(expect.arrayContaining(['url', 'max_amount', 'idempotency_key']));
    expect(tool?.inputSchema.properties).toMatchObject({ max_amount: { type: 'string' }, idempotency_key: { type: 'string' } });
    expect(tool?.outputSchema?.type).toBe('object');
  });

  it('when an agent fetches a paid route through MCP, then OCP pays from its vaulted wallet, the token moves on chain, and a retry with the key pays nothing again', async () => {
    const server = await shop(10_000n);
    try {
      const { agent, wallet, client } = await agentWith();
      const before = await usdc.balanceOf(payTo);
      const key = randomUUID();
      const args = { url: `${server.url}/weather`, max_amount: '15000', idempotency_key: key };
      const paid = structured<Paid>(await payX402(client, args));
      expect(paid).toMatchObject({
        status: 200,
        replayed: false,
        payment: { asset: assetKey, payTo, amount: '10000', status: 'paid', settlementTx: expect.stringMatching(/^0x[0-9a-f]{64}$/) },
      });
      expect(JSON.parse(paid.body)).toEqual({ weather: 'sunny' });
      expect(await usdc.balanceOf(wallet.address)).toBe(1_000_000n - 10_000n);
      expect(await usdc.balanceOf(payTo)).toBe(before + 10_000n);
      expect(await payments(agent)).toEqual([{ status: 'paid', amount: '10000', settlement_tx: paid.payment!.settlementTx }]);

      const served = server.served();
      const again = structured<Paid>(await payX402(client, args));
      expect(again).toEqual({ ...paid, replayed: true });
      // The same key on the REST route is the same operation: its stored answer, not a second payment.
      const rest = await x.t
        .http()
        .post('/api/v1/x402/pay')
        .set(agent.auth)
        .set('Idempotency-Key', key)
        .send({ url: `${server.url}/weather`, maxAmount: '15000' });
      expect(rest.headers['idempotent-replayed']).toBe('true');
      expect(rest.body).toEqual({ status: paid.status, body: paid.body, payment: paid.payment });
      expect(server.served()).toBe(served);
      expect(await usdc.balanceOf(wallet.address)).toBe(1_000_000n - 10_000n);
      expect(await payments(agent)).toHaveLength(1);

      const conflict = refusal(await payX402(client, { ...args, max_amount: '16000' }));
      expect(conflict.code).toBe('idempotency_conflict');
    } finally {
      await server.close();
    }
  });

  it.each([
    ['above the per-request cap', 30_000n, {}, 'x402_max_per_request'],
    ['to a payee outside the allow-list', 10_000n, { allowedCounterparties: [Wallet.createRandom().address] }, 'allowed_counterparties'],
    ['in a token the policy does not list', 10_000n, { x402Assets: [`eip155:1/erc20:0x${'0'.repeat(40)}`] }, 'x402_assets'],
  ])('when the challenge is %s, then a tool error names the rule and nothing is signed or paid', async (_case, price, policy, rule) => {
    const server = await shop(price);
    try {
      const { agent, wallet, client } = await agentWith(policy);
      const refused = refusal(await payX402(client, { url: `${server.url}/weather`, max_amount: '100000' }));
      expect(refused).toMatchObject({ code: 'policy_violation', details: { rule } });
      expect(await usdc.balanceOf(wallet.address)).toBe(1_000_000n);
      expect(await payments(agent)).toEqual([]);
      expect(server.served()).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('when the price is above max_amount, then a tool error x402_above_max_amount and nothing is signed', async () => {
    const server = await shop(10_000n);
    try {
      const { agent, client } = await agentWith();
      expect(refusal(await payX402(client, { url: `${server.url}/weather`, max_amount: '9999' })).code).toBe('x402_above_max_amount');
      expect(await payments(agent)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe('MCP tool pay_x402 and the payment rate limit', () => {
  let t: TestApp;
  let http: Awaited<ReturnType<typeof listenForMcp>>;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PAYMENT_MAX: '1' });
    http = await listenForMcp(t);
  });
  afterAll(async () => {
    await http.close();
    await t.close();
  });

  it('when an agent calls pay_x402 more often than the payment limit allows, then the extra call is refused (rate_limited)', async () => {
    const agent = await registerAgent(t);
    const client = await mcpClient(http.baseUrl, agent.auth.Authorization);
    try {
      const fetchHealth = () =>
        client.callTool({ name: 'pay_x402', arguments: { url: `${http.baseUrl}/health`, max_amount: '1', idempotency_key: randomUUID() } });
      expect(structured<Paid>(await fetchHealth())).toMatchObject({ status: 200, payment: null, replayed: false });
      await expect(fetchHealth()).rejects.toThrow(/rate_limited/);
    } finally {
      await client.close();
    }
  });
});
