import { randomUUID } from 'node:crypto';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Wallet } from 'ethers';
import { startAnvil, type Anvil } from '../../support/anvil';
import { registerAgent, type TestAgent } from '../../support/agents';
import { listen as listenForMcp, mcpClient, refusal, structured } from '../../support/mcp';
import { createMerchant, merchantClientAuth } from '../../support/merchants';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { createWeb3Wallet, fundAddress } from '../../support/web3';
import { deployUsdc, facilitatorUrl, listen, startResourceServer } from '../../support/x402';

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
  let anvil: Anvil;
  let t: TestApp;
  let ocp: { url: string; close: () => Promise<void> };
  let usdc: Awaited<ReturnType<typeof deployUsdc>>;
  let merchantAuth: Record<string, string>;
  let payTo: string;
  let assetKey: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    anvil = await startAnvil();
    usdc = await deployUsdc(anvil);
    assetKey = `eip155:${anvil.chainId}/erc20:${usdc.address.toLowerCase()}`;
    t = await startTestApp({
      WEB3_CHAINS: JSON.stringify({ [anvil.chainId]: { rpcUrl: anvil.rpcUrl, confirmations: 1, tokens: { USDC: usdc.address } } }),
      WEB3_WATCHER_INTERVAL_MS: '0',
      WEB3_RPC_TIMEOUT_MS: '3000',
    });
    ocp = await listen(t.app);
    const merchantOwner = await registerUser(t);
    const merchant = await createMerchant(t, merchantOwner);
    merchantAuth = (await merchantClientAuth(t, merchantOwner, merchant.id)).auth;
    payTo = (await createWeb3Wallet(t, merchantOwner, { chainId: anvil.chainId })).address;
    await fundAddress(anvil, (await t.http().get('/x402/supported')).body.signers['eip155:*'][0], '1');
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await ocp.close();
    await t.close();
    await anvil.stop();
  });

  const shop = (amount: bigint) =>
    startResourceServer({
      facilitatorUrl: facilitatorUrl(ocp.url),
      auth: merchantAuth,
      network: 'eip155:31337',
      asset: usdc.address,
      amount: amount.toString(),
      payTo,
    });

  /** An agent whose owner's vaulted chain wallet holds 1 USDC, under an x402 policy, and its MCP client. */
  async function agentWith(policy: Record<string, unknown> = {}) {
    const owner = await registerUser(t);
    const wallet = await createWeb3Wallet(t, owner, { chainId: anvil.chainId });
    await usdc.mint(wallet.address, 1_000_000n);
    const agent = await registerAgent(t, {
      owner,
      policy: { x402WalletId: wallet.id, x402Assets: [assetKey], x402MaxPerRequest: '20000', x402DailyBudget: '25000', ...policy },
    });
    const client = await mcpClient(ocp.url, agent.auth.Authorization);
    clients.push(client);
    return { agent, wallet, client };
  }

  const payX402 = (client: Client, args: Record<string, unknown>) =>
    client.callTool({ name: 'pay_x402', arguments: { idempotency_key: randomUUID(), ...args } });

  async function payments(agent: TestAgent) {
    const { rows } = await t.container.db.query<{ status: string; amount: string; settlement_tx: string | null }>(
      'SELECT status, amount::text AS amount, settlement_tx FROM agent_x402_payments WHERE agent_id = $1 ORDER BY created_at',
      [agent.id],
    );
    return rows;
  }

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
      const rest = await t
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
