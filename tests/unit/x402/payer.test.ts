import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Wallet } from 'ethers';
import { encodePaymentRequiredHeader, encodePaymentResponseHeader } from '@x402/core/http';
import type { AgentX402Payment, UnresolvedX402Payment, X402Authorization, X402PaymentKey } from '../../../src/modules/agent';
import type { AuthorizationFate } from '../../../src/modules/web3';
import { TRANSFER_WITH_AUTHORIZATION_TYPES, type TransferAuthorization } from '../../../src/modules/web3/eip3009';
import { X402Payer } from '../../../src/protocols/x402/payer';
import type { Principal } from '../../../src/shared/principal';
import { DEFAULT_TENANT_ID } from '../../../src/shared/tenant-settings';
import type { Transaction } from '../../../src/shared/transaction';

const CHAIN_ID = 31337;
const TOKEN = '0x' + 'aa'.repeat(20);
const PAY_TO = '0x' + 'bb'.repeat(20);
const SETTLEMENT_TX = '0x' + 'cd'.repeat(32);
const agent: Principal = { sub: 'agt_1', role: 'agent', permissions: [], tenantId: DEFAULT_TENANT_ID };
const key = Wallet.createRandom();
const authorization: X402Authorization = {
  paymentId: 'x4p_1',
  agentId: 'agt_1',
  ownerId: 'usr_owner',
  policyVersion: 3,
  web3WalletId: 'w3w_1',
  day: '2026-12-06',
};

/** The challenge the shop's paid routes answer with: one `exact` requirement of `amount` in the test token. */
const challenge = (amount: string, asset = TOKEN) =>
  encodePaymentRequiredHeader({
    x402Version: 2,
    resource: { url: 'http://shop/paid', description: 'weather', mimeType: 'application/json' },
    accepts: [
      {
        scheme: 'exact',
        network: `eip155:${CHAIN_ID}`,
        amount,
        asset,
        payTo: PAY_TO,
        maxTimeoutSeconds: 60,
        extra: { name: 'USD Coin', version: '2' },
      },
    ],
  });

/**
 * A shop: `/paid/<answer>` asks 10,000 and, once paid, answers as <answer> says (ok, refused, no-receipt,
 * garbled-receipt, not-a-hash); `/other-token` asks 1 of a token not configured here; `/empty` and `/garbage` answer 402 without a challenge; `/echo` returns
 * what it got.
 */
function shopHandler(req: IncomingMessage, body: string): { status: number; headers?: Record<string, string>; body: string } {
  const [, route, answer] = (req.url ?? '').split('/');
  if (route === 'echo') return { status: 200, body: JSON.stringify({ contentType: req.headers['content-type'] ?? null, body }) };
  if (route === 'empty') return { status: 402, body: '' };
  if (route === 'garbage') return { status: 402, body: '<html>pay</html>' };
  if (route === 'other-token') return { status: 402, headers: { 'payment-required': challenge('1', '0x' + 'ee'.repeat(20)) }, body: '{}' };
  if (!req.headers['payment-signature']) return { status: 402, headers: { 'payment-required': challenge('10000') }, body: '{}' };
  const receipt = (transaction: string) =>
    encodePaymentResponseHeader({ success: true, transaction, network: `eip155:${CHAIN_ID}`, payer: key.address });
  switch (answer) {
    case 'refused':
      return { status: 402, headers: { 'payment-required': challenge('10000') }, body: '{"error":"settlement failed"}' };
    case 'no-receipt':
      return { status: 200, body: 'ok' };
    case 'garbled-receipt':
      return { status: 200, headers: { 'payment-response': '%%%not base64 json%%%' }, body: 'ok' };
    case 'not-a-hash':
      return { status: 200, headers: { 'payment-response': receipt('pending') }, body: 'ok' };
    default:
      return { status: 200, headers: { 'payment-response': receipt(SETTLEMENT_TX) }, body: 'ok' };
  }
}

describe('X402Payer', () => {
  let server: Server;
  let base: string;
  /** Paid requests to these URLs lose their answer (the connection is cut) this many times. */
  const drops = new Map<string, number>();
  /** The PAYMENT-SIGNATURE of every paid request the shop got. */
  const paidWith: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const signature = req.headers['payment-signature'];
        if (typeof signature === 'string') paidWith.push(signature);
        const left = drops.get(req.url ?? '') ?? 0;
        if (signature && left > 0) {
          drops.set(req.url ?? '', left - 1);
          req.socket.destroy();
          return;
        }
        const answer = shopHandler(req, body);
        res.writeHead(answer.status, answer.headers ?? {}).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function payer(fate: AuthorizationFate | null = 'used') {
    const outcomes: { status: string; settlementTx: string | null; httpStatus: number }[] = [];
    const persisted: unknown[] = [];
    /** What the agent module holds: the signed payments without an outcome, by key. */
    const open = new Map<string, UnresolvedX402Payment>();
    const agents = {
      authorize: jest.fn(async () => authorization),
      release: jest.fn(async () => undefined),
      recordSigned: jest.fn(async (_a: X402Authorization, p: { authNonce: string }, k: X402PaymentKey & { signedPayload: string }) => {
        const payment = { id: 'x4p_1', authNonce: p.authNonce, asset: `eip155:${CHAIN_ID}/erc20:${TOKEN}` } as AgentX402Payment;
        open.set(`${k.scope}/${k.key}`, { payment, resend: { ...k, policyVersion: 3, budgetDay: '2026-12-06' } });
        return payment;
      }),
      recordOutcome: jest.fn(async (signed: AgentX402Payment, outcome, inTx: (tx: Transaction) => Promise<void>) => {
        outcomes.push(outcome);
        await inTx({} as Transaction);
        for (const [k, u] of open) if (u.payment.id === signed.id) open.delete(k);
      }),
      recordExpired: jest.fn(async (expired: UnresolvedX402Payment, _httpStatus: number | null) => {
        for (const [k, u] of open) if (u === expired) open.delete(k);
      }),
      unresolved: jest.fn(async (scope: string, key: string) => open.get(`${scope}/${key}`) ?? null),
    };
    const signing = {
      address: async () => key.address,
      signTransferAuthorization: jest.fn(
        async (_p: Principal, r: Omit<TransferAuthorization, 'from'> & { domain: { name: string; version: string } }) => {
          const a = { from: key.address, to: r.to, value: r.value, validAfter: r.validAfter, validBefore: r.validBefore, nonce: r.nonce };
          const domain = { ...r.domain, chainId: CHAIN_ID, verifyingContract: TOKEN };
          return {
            chainId: CHAIN_ID,
            asset: TOKEN,
            authorization: a,
            signature: await key.signTypedData(domain, TRANSFER_WITH_AUTHORIZATION_TYPES, a),
          };
        },
      ),
    };
    const chains = {
      assets: () => [{ chainId: CHAIN_ID, tokens: [{ symbol: 'USDC', address: TOKEN }] }],
      authorizationFate: jest.fn(async (_chainId: number, _asset: string, _from: string, _nonce: string, _validBefore: bigint) => fate),
    };
    const x402 = new X402Payer(agents, signing as never, chains, { allowPrivate: true, timeoutMs: 2_000, bodyBytesMax: 4_096 });
    const pay = (path: string, maxAmount = 15_000n, extra: { method?: 'GET' | 'POST'; body?: string; key?: string } = {}) =>
      x402.pay(
        agent,
        { url: `${base}${path}`, method: extra.method ?? 'GET', maxAmount, ...(extra.body !== undefined ? { body: extra.body } : {}) },
        { scope: agent.sub, key: extra.key ?? randomUUID() },
        async (_tx, result) => void persisted.push(result),
      );
    return { pay, agents, signing, chains, outcomes, persisted };
  }

  it('when the URL is not paid, then its answer comes back and nothing is authorized; a body goes as JSON', async () => {
    const { pay, agents } = payer();
    const res = await pay('/echo', 1n, { method: 'POST', body: '{"q":1}' });
    expect(res).toMatchObject({ status: 200, payment: null });
    expect(JSON.parse(res.body)).toEqual({ contentType: 'application/json', body: '{"q":1}' });
    expect(agents.authorize).not.toHaveBeenCalled();
  });

  it('when the paid retry is answered 2xx with a settlement receipt, then paid with its transaction, recorded and persisted in the outcome', async () => {
    const { pay, outcomes, persisted } = payer();
    const res = await pay('/paid/ok');
    expect(res).toMatchObject({ status: 200, body: 'ok', payment: { status: 'paid', httpStatus: 200, settlementTx: SETTLEMENT_TX } });
    expect(res.payment?.authNonce).toMatch(/^0x[0-9a-f]{64}$/);
    expect(outcomes).toEqual([{ status: 'paid', httpStatus: 200, settlementTx: SETTLEMENT_TX, policyVersion: 3 }]);
    expect(persisted).toEqual([res]);
  });

  it('when the server still refuses the paid retry, then refused_by_server with its status', async () => {
    const { pay, outcomes } = payer();
    const res = await pay('/paid/refused');
    expect(res).toMatchObject({ status: 402, payment: { status: 'refused_by_server', httpStatus: 402, settlementTx: null } });
    expect(outcomes.map((o) => o.status)).toEqual(['refused_by_server']);
  });

  it.each([
    ['no receipt header', '/paid/no-receipt'],
    ['a receipt that does not decode', '/paid/garbled-receipt'],
    ['a receipt whose transaction is not a hash', '/paid/not-a-hash'],
  ])('when the paid answer has %s, then paid without a settlement transaction', async (_case, path) => {
    const { pay } = payer();
    await expect(pay(path)).resolves.toMatchObject({ status: 200, payment: { status: 'paid', settlementTx: null } });
  });

  it.each([
    ['an empty body', '/empty'],
    ['a body that is not JSON', '/garbage'],
  ])('when a 402 comes with %s and no challenge header, then x402_not_a_challenge and nothing is authorized', async (_case, path) => {
    const { pay, agents } = payer();
    await expect(pay(path)).rejects.toMatchObject({ code: 'x402_not_a_challenge' });
    expect(agents.authorize).not.toHaveBeenCalled();
  });

  it('when every payable requirement asks more than maxAmount, then x402_above_max_amount names the amounts, before authorizing', async () => {
    const { pay, agents } = payer();
    await expect(pay('/paid/ok', 9_999n)).rejects.toMatchObject({ code: 'x402_above_max_amount', details: { asked: ['10000'] } });
    expect(agents.authorize).not.toHaveBeenCalled();
  });

  it('when no requirement is in a token configured here, then x402_no_payable_requirement, before authorizing', async () => {
    const { pay, agents } = payer();
    await expect(pay('/other-token')).rejects.toMatchObject({ code: 'x402_no_payable_requirement' });
    expect(agents.authorize).not.toHaveBeenCalled();
  });

  describe('when the answer to the paid request is lost', () => {
    it('then x402_unreachable names the payment, and a retry with the key sends the same payment again: served, it is paid and persisted; nothing is signed twice', async () => {
      const { pay, signing, agents, outcomes, persisted } = payer();
      drops.set('/paid/ok', 1);
      paidWith.length = 0;
      await expect(pay('/paid/ok', 15_000n, { key: 'k-served' })).rejects.toMatchObject({
        code: 'x402_unreachable',
        details: { paymentId: 'x4p_1' },
      });
      expect(outcomes).toEqual([]);
      const retry = await pay('/paid/ok', 15_000n, { key: 'k-served' });
      expect(retry).toMatchObject({ status: 200, payment: { id: 'x4p_1', status: 'paid', settlementTx: SETTLEMENT_TX } });
      expect(outcomes).toEqual([{ status: 'paid', httpStatus: 200, settlementTx: SETTLEMENT_TX, policyVersion: 3 }]);
      expect(persisted).toEqual([retry]);
      expect(paidWith).toHaveLength(2);
      expect(paidWith[1]).toBe(paidWith[0]);
      expect(signing.signTransferAuthorization).toHaveBeenCalledTimes(1);
      expect(agents.authorize).toHaveBeenCalledTimes(1);
    });

    it.each([
      ['used', 'settled'],
      ['open', 'not_settled'],
      [null, 'unknown'],
    ] as const)(
      'when the retry is not served either (chain says %s), then x402_payment_unresolved with the payment and what the chain says; nothing is signed',
      async (fate, onChain) => {
        const { pay, signing, chains, agents, outcomes } = payer(fate);
        drops.set('/paid/refused', 1);
        await expect(pay('/paid/refused', 15_000n, { key: `k-${onChain}` })).rejects.toMatchObject({ code: 'x402_unreachable' });
        await expect(pay('/paid/refused', 15_000n, { key: `k-${onChain}` })).rejects.toMatchObject({
          code: 'x402_payment_unresolved',
          details: { paymentId: 'x4p_1', httpStatus: 402, onChain },
        });
        expect(chains.authorizationFate).toHaveBeenCalledWith(
          CHAIN_ID,
          TOKEN,
          key.address,
          expect.stringMatching(/^0x[0-9a-f]{64}$/),
          expect.any(BigInt),
        );
        drops.set('/paid/refused', 1);
        await expect(pay('/paid/refused', 15_000n, { key: `k-${onChain}` })).rejects.toMatchObject({
          code: 'x402_payment_unresolved',
          details: { httpStatus: null },
        });
        expect(signing.signTransferAuthorization).toHaveBeenCalledTimes(1);
        expect(agents.recordExpired).not.toHaveBeenCalled();
        expect(outcomes).toEqual([]);
      },
    );

    it('when the retry is not served and the chain says the authorization expired unused, then it is recorded expired and the retry pays afresh under the key', async () => {
      const { pay, signing, chains, agents, outcomes } = payer('expired');
      drops.set('/paid/refused', 1);
      await expect(pay('/paid/refused', 15_000n, { key: 'k-expired' })).rejects.toMatchObject({ code: 'x402_unreachable' });
      const sent = paidWith.length;
      const retry = await pay('/paid/refused', 15_000n, { key: 'k-expired' });
      // The old payment sent once more, then a new one signed and sent.
      expect(paidWith).toHaveLength(sent + 2);
      expect(paidWith[sent]).toBe(paidWith[sent - 1]);
      expect(paidWith[sent + 1]).not.toBe(paidWith[sent]);
      const [expired, httpStatus] = agents.recordExpired.mock.calls[0]!;
      expect(expired.payment).toMatchObject({ id: 'x4p_1' });
      expect(httpStatus).toBe(402);
      const [, , , , validBefore] = chains.authorizationFate.mock.calls[0]!;
      const signed = JSON.parse(Buffer.from(paidWith[sent]!, 'base64').toString('utf8'));
      expect(validBefore).toBe(BigInt(signed.payload.authorization.validBefore));
      expect(signing.signTransferAuthorization).toHaveBeenCalledTimes(2);
      expect(agents.authorize).toHaveBeenCalledTimes(2);
      expect(retry).toMatchObject({ status: 402, payment: { status: 'refused_by_server' } });
      expect(outcomes.map((o) => o.status)).toEqual(['refused_by_server']);
    });

    it('when the retry asks another fetch under the key, then idempotency_conflict and nothing is sent or signed', async () => {
      const { pay, signing } = payer();
      drops.set('/paid/ok', 1);
      await expect(pay('/paid/ok', 15_000n, { key: 'k-other' })).rejects.toMatchObject({ code: 'x402_unreachable' });
      const sent = paidWith.length;
      await expect(pay('/paid/ok', 16_000n, { key: 'k-other' })).rejects.toMatchObject({ code: 'idempotency_conflict' });
      expect(paidWith).toHaveLength(sent);
      expect(signing.signTransferAuthorization).toHaveBeenCalledTimes(1);
    });
  });
});
