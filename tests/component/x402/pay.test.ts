import { randomUUID } from 'node:crypto';
import { Wallet } from 'ethers';
import { registerAgent, type TestAgent } from '../../support/agents';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { startX402Payers } from '../../support/x402';

/**
 * Issue #17 item 7: OCP pays x402 challenges for its agents (POST /api/v1/x402/pay): the agent's
 * policy decides before anything is signed, the vault signs, OCP's facilitator settles on anvil.
 */
describe('POST /api/v1/x402/pay', () => {
  let x: Awaited<ReturnType<typeof startX402Payers>>;
  let t: TestApp;
  let usdc: Awaited<ReturnType<typeof startX402Payers>>['usdc'];
  let payTo: string;
  let assetKey: string;

  beforeAll(async () => {
    x = await startX402Payers();
    ({ t, usdc, payTo, assetKey } = x);
  });
  afterAll(() => x.close());

  const shop = (amount: bigint) => x.shop(amount);
  const agentWith = (policy: Record<string, unknown> = {}) => x.agentWith(policy);
  const payments = (agentId: string) => x.paymentsOf(agentId);

  const pay = (agent: TestAgent, body: Record<string, unknown>, key: string = randomUUID()) =>
    t.http().post('/api/v1/x402/pay').set(agent.auth).set('Idempotency-Key', key).send(body);

  it('when an agent fetches a paid route, then OCP pays from its vaulted wallet, the token moves on chain, and the payment is recorded with its settlement', async () => {
    const server = await shop(10_000n);
    try {
      const { agent, wallet } = await agentWith();
      const before = await usdc.balanceOf(payTo);
      const res = await pay(agent, { url: `${server.url}/weather`, maxAmount: '15000' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 200,
        payment: { asset: assetKey, payTo, amount: '10000', status: 'paid', settlementTx: expect.stringMatching(/^0x[0-9a-f]{64}$/) },
      });
      expect(JSON.parse(res.body.body)).toEqual({ weather: 'sunny' });
      expect(await usdc.balanceOf(wallet.address)).toBe(1_000_000n - 10_000n);
      expect(await usdc.balanceOf(payTo)).toBe(before + 10_000n);
      expect(await payments(agent.id)).toEqual([{ status: 'paid', amount: '10000', settlement_tx: res.body.payment.settlementTx }]);
    } finally {
      await server.close();
    }
  });

  it('when a paid request is retried with its Idempotency-Key, then the first answer is replayed and nothing is signed or paid again; without a key it is 400', async () => {
    const server = await shop(10_000n);
    try {
      const { agent, wallet } = await agentWith();
      const key = randomUUID();
      const first = await pay(agent, { url: `${server.url}/weather`, maxAmount: '15000' }, key);
      expect(first.body.payment.status).toBe('paid');
      const served = server.served();
      const again = await pay(agent, { url: `${server.url}/weather`, maxAmount: '15000' }, key);
      expect(again.status).toBe(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(server.served()).toBe(served);
      expect(await usdc.balanceOf(wallet.address)).toBe(1_000_000n - 10_000n);
      expect(await payments(agent.id)).toHaveLength(1);
      const keyless = await t
        .http()
        .post('/api/v1/x402/pay')
        .set(agent.auth)
        .send({ url: `${server.url}/weather`, maxAmount: '15000' });
      expect(keyless.status).toBe(400);
      expect(await payments(agent.id)).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('when the daily budget in the token is spent, then the next challenge is refused without signing', async () => {
    const server = await shop(10_000n);
    try {
      const { agent, wallet } = await agentWith();
      expect((await pay(agent, { url: `${server.url}/weather`, maxAmount: '10000' })).body.payment.status).toBe('paid');
      expect((await pay(agent, { url: `${server.url}/weather`, maxAmount: '10000' })).body.payment.status).toBe('paid');
      const served = server.served();
      const refused = await pay(agent, { url: `${server.url}/weather`, maxAmount: '10000' });
      expect(refused.status).toBe(403);
      expect(refused.body.error).toMatchObject({ code: 'policy_violation', details: { rule: 'x402_daily_budget' } });
      expect(server.served()).toBe(served);
      expect(await usdc.balanceOf(wallet.address)).toBe(1_000_000n - 20_000n);
      expect(await payments(agent.id)).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it("when signing fails (the server names another token domain), then 422 and the day's budget gets the amount back", async () => {
    const impostor = await x.shop(10_000n, { assetDomain: { name: 'Not USD Coin', version: '2' } });
    const server = await shop(10_000n);
    try {
      const { agent } = await agentWith();
      for (let i = 0; i < 2; i++) {
        const refused = await pay(agent, { url: `${impostor.url}/weather`, maxAmount: '10000' });
        expect(refused.status).toBe(422);
        expect(refused.body.error.code).toBe('token_domain_mismatch');
      }
      // Two refused signings reserved 20,000 of the 25,000 budget unless they gave it back.
      expect((await pay(agent, { url: `${server.url}/weather`, maxAmount: '10000' })).body.payment?.status).toBe('paid');
      expect((await pay(agent, { url: `${server.url}/weather`, maxAmount: '10000' })).body.payment?.status).toBe('paid');
      expect(await payments(agent.id)).toHaveLength(2);
    } finally {
      await impostor.close();
      await server.close();
    }
  });

  it('when 4 challenges are paid at once against a budget for 2, then exactly 2 are signed and paid', async () => {
    const server = await shop(10_000n);
    try {
      const { agent, wallet } = await agentWith();
      const answers = await Promise.all(Array.from({ length: 4 }, () => pay(agent, { url: `${server.url}/weather`, maxAmount: '10000' })));
      expect(answers.filter((a) => a.status === 200 && a.body.payment?.status === 'paid')).toHaveLength(2);
      expect(answers.filter((a) => a.status === 403 && a.body.error.details.rule === 'x402_daily_budget')).toHaveLength(2);
      expect(await usdc.balanceOf(wallet.address)).toBe(1_000_000n - 20_000n);
      expect(await payments(agent.id)).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it('when private targets are not allowed (production), then a loopback URL is refused before any request', async () => {
    const strict = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false' });
    try {
      const agent = await registerAgent(strict);
      const res = await strict
        .http()
        .post('/api/v1/x402/pay')
        .set(agent.auth)
        .set('Idempotency-Key', randomUUID())
        .send({ url: `${x.ocp.url}/x402/supported`, maxAmount: '1' });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('x402_url_not_allowed');
    } finally {
      await strict.close();
    }
  });

  it.each([
    ['above the per-request cap', 30_000n, {}, 'x402_max_per_request'],
    ['to a payee outside the allow-list', 10_000n, { allowedCounterparties: [Wallet.createRandom().address] }, 'allowed_counterparties'],
    ['in a token the policy does not list', 10_000n, { x402Assets: [`eip155:1/erc20:0x${'0'.repeat(40)}`] }, 'x402_assets'],
  ])('when the challenge is %s, then 403 naming the rule and nothing is signed or paid', async (_case, price, policy, rule) => {
    const server = await shop(price);
    try {
      const { agent, wallet } = await agentWith(policy);
      const res = await pay(agent, { url: `${server.url}/weather`, maxAmount: '100000' });
      expect(res.status).toBe(403);
      expect(res.body.error.details.rule).toBe(rule);
      expect(await usdc.balanceOf(wallet.address)).toBe(1_000_000n);
      expect(await payments(agent.id)).toEqual([]);
      expect(server.served()).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('when the price is above maxAmount, then 422 x402_above_max_amount and nothing is signed', async () => {
    const server = await shop(10_000n);
    try {
      const { agent } = await agentWith();
      const res = await pay(agent, { url: `${server.url}/weather`, maxAmount: '9999' });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('x402_above_max_amount');
      expect(await payments(agent.id)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('when the URL asks for no payment, then its answer comes back and nothing is paid', async () => {
    const server = await shop(10_000n);
    try {
      const { agent } = await agentWith();
      const res = await pay(agent, { url: `${server.url}/free`, maxAmount: '10000' });
      expect(res.body).toMatchObject({ status: 404, payment: null });
      expect(await payments(agent.id)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('when a user (not an agent) or no token calls it, then 403/401', async () => {
    const user = await registerUser(t);
    expect((await t.http().post('/api/v1/x402/pay').set(user.auth).send({ url: 'http://127.0.0.1/', maxAmount: '1' })).status).toBe(403);
    expect((await t.http().post('/api/v1/x402/pay').send({ url: 'http://127.0.0.1/', maxAmount: '1' })).status).toBe(401);
  });
});
