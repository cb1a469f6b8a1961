import { randomUUID } from 'node:crypto';
import { startAnvil, type Anvil } from '../../support/anvil';
import { registerAgent, type TestAgent } from '../../support/agents';
import { createMerchant, merchantClientAuth } from '../../support/merchants';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { createWeb3Wallet, fundAddress } from '../../support/web3';
import { deployUsdc, facilitatorUrl, listen, startResourceServer } from '../../support/x402';

/**
 * Issue #17 item 7: an x402 payment is recorded "in the agent's history and audit log": its record
 * is listed to the agent (GET /api/v1/x402/payments) and to its owner (GET
 * /api/v1/agents/{id}/x402-payments) a page at a time, and each decision (signed within policy,
 * refused by a rule, what the server made of it) is in the agent's audit log.
 */
describe('x402 payments in the history and the audit log', () => {
  let anvil: Anvil;
  let t: TestApp;
  let ocp: { url: string; close: () => Promise<void> };
  let usdc: Awaited<ReturnType<typeof deployUsdc>>;
  let merchantAuth: Record<string, string>;
  let payTo: string;
  let assetKey: string;
  let shop: Awaited<ReturnType<typeof startResourceServer>>;
  const network = 'eip155:31337' as const;

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
    shop = await startResourceServer({
      facilitatorUrl: facilitatorUrl(ocp.url),
      auth: merchantAuth,
      network,
      asset: usdc.address,
      amount: '10000',
      payTo,
    });
  });
  afterAll(async () => {
    await shop.close();
    await ocp.close();
    await t.close();
    await anvil.stop();
  });

  async function agentWith(policy: Record<string, unknown> = {}): Promise<TestAgent> {
    const owner = await registerUser(t);
    const wallet = await createWeb3Wallet(t, owner, { chainId: anvil.chainId });
    await usdc.mint(wallet.address, 1_000_000n);
    return registerAgent(t, {
      owner,
      policy: { x402WalletId: wallet.id, x402Assets: [assetKey], x402MaxPerRequest: '20000', x402DailyBudget: '25000', ...policy },
    });
  }

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
