import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Wallet } from 'ethers';
import { EthersRpc } from '../../../src/modules/web3/adapters/ethers-rpc';
import type { TestAgent } from '../../support/agents';
import { listen, lossyFront, startX402Payers, USDC_DOMAIN } from '../../support/x402';

/** authorizationState(address,bytes32) */
const AUTHORIZATION_STATE = '0xe94a0102';

/**
 * Found by a red-team pass: peers of the x402 payer that lie or lag. A resource server whose 402
 * challenge is malformed made 500s, or had OCP sign an authorization valid for a century; an RPC
 * address whose replicas disagree made a settled payment look expired and paid it twice; a node
 * answering another transaction's receipt would confirm a settlement or send that never happened.
 */
describe('x402 payer and chain reads against peers that lie', () => {
  let x: Awaited<ReturnType<typeof startX402Payers>>;
  beforeAll(async () => {
    x = await startX402Payers({ viaRpcProxy: true });
  });
  afterAll(() => x.close());
  afterEach(() => x.rpc!.answerWith(null));

  const pay = (agent: TestAgent, url: string, key = randomUUID(), maxAmount = '5000') =>
    x.t.http().post('/api/v1/x402/pay').set(agent.auth).set('Idempotency-Key', key).send({ url, maxAmount });

  describe('a resource server whose challenge lies', () => {
    /** A resource server whose 402 challenge is whatever `challenge()` gives (raw header text or an object); it serves any paid request. */
    async function liar(challenge: () => unknown) {
      const paid: string[] = [];
      const server = await listen((req: IncomingMessage, res: ServerResponse) => {
        const signature = req.headers['payment-signature'];
        if (typeof signature === 'string') {
          paid.push(signature);
          return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        }
        const c = challenge();
        const header = typeof c === 'string' ? c : Buffer.from(JSON.stringify(c)).toString('base64');
        res.writeHead(402, { 'payment-required': header, 'content-type': 'application/json' }).end('{}');
      });
      return { ...server, paid };
    }
    const requirement = (over: Record<string, unknown> = {}) => ({
      scheme: 'exact',
      network: x.network,
      amount: '1000',
      asset: x.usdc.address,
      payTo: x.payTo,
      maxTimeoutSeconds: 60,
      extra: { ...USDC_DOMAIN },
      ...over,
    });
    const challengeOf = (accepts: unknown) => ({ x402Version: 2, resource: { url: 'http://shop/weather' }, accepts });

    it.each([
      ['a challenge that is JSON null', 'x402_not_a_challenge', () => Buffer.from('null').toString('base64')],
      ['a challenge without accepts', 'x402_not_a_challenge', () => ({ x402Version: 2 })],
      ['accepts that is not a list', 'x402_not_a_challenge', () => ({ x402Version: 2, accepts: 'everything' })],
      ['a requirement that is null', 'x402_no_payable_requirement', () => challengeOf([null])],
      ['an asset that is a number', 'x402_no_payable_requirement', () => challengeOf([requirement({ asset: 12345 })])],
      [
        'no EIP-712 domain (extra without name and version)',
        'x402_no_payable_requirement',
        () => challengeOf([requirement({ extra: {} })]),
      ],
      ['a fractional maxTimeoutSeconds', 'x402_no_payable_requirement', () => challengeOf([requirement({ maxTimeoutSeconds: 0.5 })])],
      ['a maxTimeoutSeconds of 10^30', 'x402_no_payable_requirement', () => challengeOf([requirement({ maxTimeoutSeconds: 1e30 })])],
      [
        'an authorization valid for 100 years',
        'x402_no_payable_requirement',
        () => challengeOf([requirement({ maxTimeoutSeconds: 100 * 365 * 24 * 3600 })]),
      ],
      [
        'a paymentFlow OCP does not pay',
        'x402_no_payable_requirement',
        () => challengeOf([requirement({ extra: { ...USDC_DOMAIN, paymentFlow: 'subscription' } })]),
      ],
    ])('when the 402 carries %s, then 422 %s, nothing is signed and the budget is untouched', async (_case, code, challenge) => {
      const server = await liar(challenge);
      try {
        const { agent } = await x.agentWith();
        const res = await pay(agent, `${server.url}/weather`);
        expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 422, code });
        expect(server.paid).toHaveLength(0);
        expect(await x.spentOf(agent.id)).toBe(0n);
      } finally {
        await server.close();
      }
    });

    it('when the window asked is an hour, then it is signed with that window', async () => {
      const server = await liar(() => challengeOf([requirement({ maxTimeoutSeconds: 3600 })]));
      try {
        const { agent } = await x.agentWith();
        expect((await pay(agent, `${server.url}/weather`)).status).toBe(200);
        const signed = JSON.parse(Buffer.from(server.paid[0]!, 'base64').toString('utf8'));
        const window = Number(signed.payload.authorization.validBefore) - Math.floor(Date.now() / 1000);
        expect(window).toBeGreaterThan(3500);
        expect(window).toBeLessThanOrEqual(3600);
      } finally {
        await server.close();
      }
    });
  });

  it('when a settled payment whose answer was lost is retried past its window and a lagging replica answers for the nonce, then 409 unresolved and no second payment', async () => {
    const shop = await x.shop(10_000n, { maxTimeoutSeconds: 10 });
    const front = await lossyFront(shop.url);
    try {
      const { agent, wallet } = await x.agentWith();
      const key = randomUUID();
      front.loseAnswers('after');
      expect((await pay(agent, `${front.url}/weather`, key, '15000')).status).toBe(503);
      expect(await x.usdc.balanceOf(wallet.address)).toBe(1_000_000n - 10_000n);

      const lost = JSON.parse(Buffer.from(front.signatures[0]!, 'base64').toString('utf8'));
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, (Number(lost.payload.authorization.validBefore) + 1) * 1000 - Date.now())),
      );
      await x.anvil.mine(1);
      // One RPC address, two backends: an up-to-date one gives the latest block; a replica behind it
      // answers eth_call at "latest" from its older state (the nonce unused) and knows no newer block.
      x.rpc!.answerWith(({ method, params }) => {
        const [call, block] = params as [{ data?: string; input?: string }, string];
        if (method !== 'eth_call' || !(call.data ?? call.input ?? '').startsWith(AUTHORIZATION_STATE)) return undefined;
        return block === 'latest' ? { result: `0x${'0'.repeat(64)}` } : { error: { code: -32000, message: 'header not found' } };
      });

      const retry = await pay(agent, `${front.url}/weather`, key, '15000');
      expect(retry.status).toBe(409);
      expect(retry.body.error).toMatchObject({ code: 'x402_payment_unresolved', details: { onChain: 'unknown' } });
      expect(await x.usdc.balanceOf(wallet.address)).toBe(1_000_000n - 10_000n);
      expect(await x.paymentsOf(agent.id)).toEqual([{ status: 'signed', amount: '10000', settlement_tx: null }]);
    } finally {
      await front.close();
      await shop.close();
    }
  });

  it("when a node answers another transaction's receipt, then the read is refused rather than taken for this transaction's", async () => {
    const other = await x.anvil.devAccount.sendTransaction({ to: Wallet.createRandom().address, value: 1n });
    await other.wait();
    const foreign: unknown = await x.anvil.provider.send('eth_getTransactionReceipt', [other.hash]);
    const rpc = new EthersRpc(x.anvil.chainId, x.rpc!.url, 3_000, 1_000_000);
    try {
      const asked = `0x${'ab'.repeat(32)}`;
      x.rpc!.answerWith(({ method }) => (method === 'eth_getTransactionReceipt' ? { result: foreign } : undefined));
      await expect(rpc.getReceipt(asked)).rejects.toMatchObject({ name: 'ChainRejected', code: 'BAD_DATA' });
      await expect(rpc.getReceipt(other.hash)).resolves.toMatchObject({ status: 'success' });
    } finally {
      rpc.close();
    }
  });
});
