import { randomUUID } from 'node:crypto';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { TestAgent } from '../../support/agents';
import { mcpClient, refusal, structured } from '../../support/mcp';
import { lossyFront, startX402Payers } from '../../support/x402';

type Paid = {
  status: number;
  body: string;
  payment: { id: string; status: string; settlementTx: string | null } | null;
  replayed: boolean;
};

/**
 * One Idempotency-Key is one payment, also when the answer to the paid request is lost (a timeout, a
 * reset, a body too large): the payment OCP signed stays bound to the key, and a retry with the key
 * sends that same payment again and never signs a second one. Found by an attack test: the retry
 * used to sign and pay a new authorization.
 */
describe('POST /api/v1/x402/pay retried after the paid answer is lost', () => {
  let x: Awaited<ReturnType<typeof startX402Payers>>;
  const clients: Client[] = [];
  beforeAll(async () => {
    x = await startX402Payers();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await x.close();
  });

  const pay = (agent: TestAgent, body: Record<string, unknown>, key: string) =>
    x.t.http().post('/api/v1/x402/pay').set(agent.auth).set('Idempotency-Key', key).send(body);

  /** A shop selling GET /weather for 10,000 behind a front that loses paid answers, and an agent of 1 USDC. */
  async function lossyShop(options: { maxTimeoutSeconds?: number } = {}) {
    const shop = await x.shop(10_000n, options);
    const front = await lossyFront(shop.url);
    const { agent, wallet } = await x.agentWith();
    const close = async () => {
      await front.close();
      await shop.close();
    };
    return { shop, front, agent, wallet, close, url: `${front.url}/weather` };
  }

  it('when the server settled the payment and its answer was lost, then a retry with the key sends the same payment again, signs nothing, and answers 409 x402_payment_unresolved saying it settled; the money moves once', async () => {
    const s = await lossyShop();
    try {
      const key = randomUUID();
      const body = { url: s.url, maxAmount: '15000' };
      s.front.loseAnswers('after');
      const first = await pay(s.agent, body, key);
      expect(first.status).toBe(503);
      expect(first.body.error).toMatchObject({ code: 'x402_unreachable', details: { paymentId: expect.stringMatching(/^x4p_/) } });
      const paymentId = first.body.error.details.paymentId as string;
      expect(await x.usdc.balanceOf(s.wallet.address)).toBe(1_000_000n - 10_000n);

      for (const attempt of [1, 2]) {
        const retry = await pay(s.agent, body, key);
        expect(await x.usdc.balanceOf(s.wallet.address)).toBe(1_000_000n - 10_000n);
        expect(retry.status).toBe(409);
        expect(retry.headers['idempotent-replayed']).toBeUndefined();
        expect(retry.body.error).toMatchObject({
          code: 'x402_payment_unresolved',
          details: { paymentId, onChain: 'settled', httpStatus: 402 },
        });
        // The same signed payment (authorization, nonce, signature) each time, never a new one.
        expect(s.front.signatures).toHaveLength(1 + attempt);
        expect(new Set(s.front.signatures).size).toBe(1);
      }
      const other = await pay(s.agent, { ...body, maxAmount: '16000' }, key);
      expect(other.status).toBe(422);
      expect(other.body.error.code).toBe('idempotency_conflict');

      expect(await x.usdc.balanceOf(s.wallet.address)).toBe(1_000_000n - 10_000n);
      expect(await x.paymentsOf(s.agent.id)).toEqual([{ status: 'signed', amount: '10000', settlement_tx: null }]);
      expect(await x.spentOf(s.agent.id)).toBe(10_000n);
    } finally {
      await s.close();
    }
  });

  it('when the paid request was lost before the server got it, then a retry with the key sends the same payment, the server settles it, and it is paid once; later retries replay it', async () => {
    const s = await lossyShop();
    try {
      const key = randomUUID();
      const body = { url: s.url, maxAmount: '15000' };
      s.front.loseAnswers('before');
      const first = await pay(s.agent, body, key);
      expect(first.status).toBe(503);
      expect(first.body.error.code).toBe('x402_unreachable');
      expect(await x.usdc.balanceOf(s.wallet.address)).toBe(1_000_000n);

      const retry = await pay(s.agent, body, key);
      expect(retry.status).toBe(200);
      expect(retry.body.payment).toMatchObject({
        id: first.body.error.details.paymentId,
        status: 'paid',
        amount: '10000',
        settlementTx: expect.stringMatching(/^0x[0-9a-f]{64}$/),
      });
      expect(JSON.parse(retry.body.body)).toEqual({ weather: 'sunny' });
      expect(s.front.signatures).toHaveLength(2);
      expect(s.front.signatures[1]).toBe(s.front.signatures[0]);

      const served = s.shop.served();
      const again = await pay(s.agent, body, key);
      expect(again.status).toBe(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(retry.body);
      expect(s.shop.served()).toBe(served);

      expect(await x.usdc.balanceOf(s.wallet.address)).toBe(1_000_000n - 10_000n);
      expect(await x.paymentsOf(s.agent.id)).toEqual([{ status: 'paid', amount: '10000', settlement_tx: retry.body.payment.settlementTx }]);
      expect(await x.spentOf(s.agent.id)).toBe(10_000n);
    } finally {
      await s.close();
    }
  });

  it('when the paid request was lost before the server got it and its authorization expired unused, then a retry with the key records it expired, gives its budget back and pays afresh; the money moves once', async () => {
    // A short window, so the lost authorization expires within the test.
    const s = await lossyShop({ maxTimeoutSeconds: 10 });
    try {
      const key = randomUUID();
      const body = { url: s.url, maxAmount: '15000' };
      s.front.loseAnswers('before');
      const first = await pay(s.agent, body, key);
      expect(first.body.error).toMatchObject({ code: 'x402_unreachable' });
      const lostId = first.body.error.details.paymentId as string;
      expect(await x.spentOf(s.agent.id)).toBe(10_000n);

      const lost = JSON.parse(Buffer.from(s.front.signatures[0]!, 'base64').toString('utf8'));
      const validBefore = Number(lost.payload.authorization.validBefore);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, (validBefore + 1) * 1000 - Date.now())));
      // A block past the window: from it on, no block can use the authorization.
      await x.anvil.mine(1);

      const retry = await pay(s.agent, body, key);
      expect(retry.status).toBe(200);
      expect(retry.body.payment).toMatchObject({
        status: 'paid',
        amount: '10000',
        settlementTx: expect.stringMatching(/^0x[0-9a-f]{64}$/),
      });
      expect(retry.body.payment.id).not.toBe(lostId);
      // The lost payment sent once more (and refused: expired), then a new one.
      expect(s.front.signatures).toHaveLength(3);
      expect(s.front.signatures[1]).toBe(s.front.signatures[0]);
      expect(s.front.signatures[2]).not.toBe(s.front.signatures[0]);
      expect(await x.usdc.authorizationState(s.wallet.address, lost.payload.authorization.nonce)).toBe(false);

      expect(await x.usdc.balanceOf(s.wallet.address)).toBe(1_000_000n - 10_000n);
      expect(await x.paymentsOf(s.agent.id)).toEqual([
        { status: 'expired', amount: '10000', settlement_tx: null },
        { status: 'paid', amount: '10000', settlement_tx: retry.body.payment.settlementTx },
      ]);
      expect(await x.spentOf(s.agent.id)).toBe(10_000n);
      const { rows } = await x.t.container.db.query<{ decision: string }>(
        'SELECT decision FROM agent_audit_log WHERE payment_id = $1 ORDER BY created_at',
        [lostId],
      );
      expect(rows.map((r) => r.decision)).toEqual(['allowed', 'expired']);

      const again = await pay(s.agent, body, key);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(retry.body);
      expect(s.front.signatures).toHaveLength(3);
    } finally {
      await s.close();
    }
  });

  describe('over the MCP tool pay_x402 (the same payer, the same key)', () => {
    async function client(agent: TestAgent) {
      const c = await mcpClient(x.ocp.url, agent.auth.Authorization);
      clients.push(c);
      return c;
    }
    const payX402 = (c: Client, args: Record<string, unknown>) => c.callTool({ name: 'pay_x402', arguments: args });

    it('when the settled answer is lost, then the tool retry and the REST retry with the key send the same payment and refuse with x402_payment_unresolved; the money moves once', async () => {
      const s = await lossyShop();
      try {
        const c = await client(s.agent);
        const key = randomUUID();
        const args = { url: s.url, max_amount: '15000', idempotency_key: key };
        s.front.loseAnswers('after');
        expect(refusal(await payX402(c, args)).code).toBe('x402_unreachable');
        const retry = refusal(await payX402(c, args));
        expect(retry).toMatchObject({ code: 'x402_payment_unresolved', details: { onChain: 'settled' } });
        const rest = await pay(s.agent, { url: s.url, maxAmount: '15000' }, key);
        expect(rest.status).toBe(409);
        expect(rest.body.error).toMatchObject({ code: 'x402_payment_unresolved', details: { paymentId: retry.details?.paymentId } });
        expect(s.front.signatures).toHaveLength(3);
        expect(new Set(s.front.signatures).size).toBe(1);
        expect(await x.usdc.balanceOf(s.wallet.address)).toBe(1_000_000n - 10_000n);
        expect(await x.paymentsOf(s.agent.id)).toHaveLength(1);
        expect(await x.spentOf(s.agent.id)).toBe(10_000n);
      } finally {
        await s.close();
      }
    });

    it('when the paid request was lost before the server got it, then the tool retry pays it once with the same payment, and both roads replay it', async () => {
      const s = await lossyShop();
      try {
        const c = await client(s.agent);
        const key = randomUUID();
        const args = { url: s.url, max_amount: '15000', idempotency_key: key };
        s.front.loseAnswers('before');
        const lost = refusal(await payX402(c, args));
        expect(lost).toMatchObject({ code: 'x402_unreachable', details: { paymentId: expect.stringMatching(/^x4p_/) } });
        const paid = structured<Paid>(await payX402(c, args));
        expect(paid).toMatchObject({ status: 200, replayed: false, payment: { id: lost.details?.paymentId, status: 'paid' } });
        expect(s.front.signatures).toHaveLength(2);
        expect(s.front.signatures[1]).toBe(s.front.signatures[0]);
        expect(structured<Paid>(await payX402(c, args))).toEqual({ ...paid, replayed: true });
        const rest = await pay(s.agent, { url: s.url, maxAmount: '15000' }, key);
        expect(rest.headers['idempotent-replayed']).toBe('true');
        expect(rest.body.payment.id).toBe(paid.payment!.id);
        expect(await x.usdc.balanceOf(s.wallet.address)).toBe(1_000_000n - 10_000n);
        expect(await x.paymentsOf(s.agent.id)).toHaveLength(1);
        expect(await x.spentOf(s.agent.id)).toBe(10_000n);
      } finally {
        await s.close();
      }
    });
  });
});
