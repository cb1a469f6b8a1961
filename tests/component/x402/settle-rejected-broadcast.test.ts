import { hexlify, parseEther, randomBytes, toBeHex, Wallet } from 'ethers';
import { startAnvil, type Anvil } from '../../support/anvil';
import { createMerchant, merchantClientAuth } from '../../support/merchants';
import { startRpcProxy, type RpcProxy } from '../../support/rpc-proxy';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { createWeb3Wallet, fundAddress } from '../../support/web3';
import { deployUsdc, USDC_DOMAIN } from '../../support/x402';
import { TRANSFER_WITH_AUTHORIZATION_TYPES } from '../../../src/modules/web3/eip3009';

/**
 * Issue #17 item 8, nonce safety: a settlement's transaction is recorded with the gas key's nonce and
 * broadcast after commit. When the node refuses that broadcast outright, the settlement fails, its
 * nonce is used by the next settlement (no gap for later ones to wait behind) and its authorization
 * can be settled again; nothing moves twice. Real anvil, behind a JSON-RPC proxy.
 */
describe('POST /x402/settle when the node rejects the broadcast', () => {
  let anvil: Anvil;
  let proxy: RpcProxy;
  let t: TestApp;
  let usdc: Awaited<ReturnType<typeof deployUsdc>>;
  let merchantAuth: Record<string, string>;
  let payTo: string;
  let gas: string;
  const network = 'eip155:31337';
  const PRICE = 10_000n;

  beforeAll(async () => {
    anvil = await startAnvil();
    proxy = await startRpcProxy(anvil.rpcUrl);
    usdc = await deployUsdc(anvil);
    t = await startTestApp({
      WEB3_CHAINS: JSON.stringify({ [anvil.chainId]: { rpcUrl: proxy.url, confirmations: 1, tokens: { USDC: usdc.address } } }),
      WEB3_WATCHER_INTERVAL_MS: '0',
      WEB3_RPC_TIMEOUT_MS: '3000',
    });
    const owner = await registerUser(t);
    const merchant = await createMerchant(t, owner);
    merchantAuth = (await merchantClientAuth(t, owner, merchant.id)).auth;
    payTo = (await createWeb3Wallet(t, owner, { chainId: anvil.chainId })).address;
    gas = (await t.http().get('/x402/supported')).body.signers['eip155:*'][0];
    await fundAddress(anvil, gas, '1');
  });
  afterAll(async () => {
    await t.close();
    await proxy.close();
    await anvil.stop();
  });

  /** A buyer holding 1 USDC and a facilitator request for one payment of PRICE it signed. */
  async function signedPayment() {
    const payer = Wallet.createRandom();
    await usdc.mint(payer.address, 1_000_000n);
    const requirements = {
      scheme: 'exact',
      network,
      amount: PRICE.toString(),
      asset: usdc.address,
      payTo,
      maxTimeoutSeconds: 60,
      extra: USDC_DOMAIN,
    };
    const authorization = {
      from: payer.address,
      to: payTo,
      value: PRICE.toString(),
      validAfter: '0',
      validBefore: String(Math.floor(Date.now() / 1000) + 300),
      nonce: hexlify(randomBytes(32)),
    };
    const domain = { ...USDC_DOMAIN, chainId: anvil.chainId, verifyingContract: usdc.address };
    const signature = await payer.signTypedData(domain, TRANSFER_WITH_AUTHORIZATION_TYPES, authorization);
    const body = {
      x402Version: 2,
      paymentPayload: { x402Version: 2, accepted: requirements, payload: { signature, authorization } },
      paymentRequirements: requirements,
    };
    return { payer: payer.address, body };
  }

  const settle = (body: unknown) =>
    t
      .http()
      .post('/x402/settle')
      .set(merchantAuth)
      .send(body as object);

  async function rowsOf(payer: string) {
    const { rows } = await t.container.db.query<{
      status: string;
      gas_nonce: string;
      failure_reason: string | null;
      gas_nonce_free: boolean;
    }>(
      `SELECT status, gas_nonce::text AS gas_nonce, failure_reason, gas_nonce_free FROM eip3009_settlements
       WHERE from_address = $1 ORDER BY created_at`,
      [payer],
    );
    return rows.map((r) => ({ ...r, gas_nonce: Number(r.gas_nonce) }));
  }

  /** The gas key's nonces: mined, and counting what the node holds (equal when no transaction waits behind a gap). */
  async function gasNonces() {
    const [latest, pending] = await Promise.all([
      anvil.provider.getTransactionCount(gas, 'latest'),
      anvil.provider.getTransactionCount(gas, 'pending'),
    ]);
    return { latest, pending };
  }

  const setGasBalance = (wei: bigint) => anvil.provider.send('anvil_setBalance', [gas, toBeHex(wei)]);

  it('when the gas key is drained between signing and sending, then the settlement fails, the next one takes its nonce, and the authorization settles again once', async () => {
    const start = (await gasNonces()).latest;
    const a = await signedPayment();
    proxy.interceptNextBroadcast(async () => {
      await setGasBalance(0n);
      return 'forward';
    });
    const rejected = await settle(a.body);
    await setGasBalance(parseEther('1'));
    expect(rejected.body).toMatchObject({ success: false, errorReason: 'facilitator_insufficient_gas', transaction: '' });
    expect(await rowsOf(a.payer)).toEqual([
      { status: 'failed', gas_nonce: start, failure_reason: 'rejected by the node: INSUFFICIENT_FUNDS', gas_nonce_free: true },
    ]);

    const b = await signedPayment();
    expect((await settle(b.body)).body).toMatchObject({ success: true, payer: b.payer });
    expect(await rowsOf(b.payer)).toEqual([expect.objectContaining({ status: 'settled', gas_nonce: start })]);

    const before = await usdc.balanceOf(payTo);
    expect((await settle(a.body)).body).toMatchObject({ success: true, payer: a.payer });
    expect((await settle(a.body)).body).toMatchObject({ success: false, errorReason: 'invalid_exact_evm_nonce_already_used' });
    expect(await usdc.balanceOf(a.payer)).toBe(1_000_000n - PRICE);
    expect(await usdc.balanceOf(payTo)).toBe(before + PRICE);
    expect((await rowsOf(a.payer)).map((r) => [r.status, r.gas_nonce])).toEqual([
      ['failed', start],
      ['settled', start + 1],
    ]);
    expect(await gasNonces()).toEqual({ latest: start + 2, pending: start + 2 });
  });

  it('when a later settlement was already sent behind the rejected one, then the next settlement fills the gap and every one lands', async () => {
    const start = (await gasNonces()).latest;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    proxy.interceptNextBroadcast(async () => {
      await held;
      return { code: -32000, message: 'insufficient funds for gas * price + value' };
    });
    const a = await signedPayment();
    const first = settle(a.body).then((res) => res);
    await waitFor(async () => (await rowsOf(a.payer)).length === 1);

    // Signed with the next nonce while the first broadcast is still out: the node queues it behind the gap.
    const b = await signedPayment();
    const second = settle(b.body).then((res) => res);
    await waitFor(async () => (await rowsOf(b.payer)).length === 1 && (await gasNonces()).pending === start);
    release();
    expect((await first).body).toMatchObject({ success: false, errorReason: 'facilitator_insufficient_gas' });

    const c = await signedPayment();
    expect((await settle(c.body)).body).toMatchObject({ success: true, payer: c.payer });
    expect((await second).body).toMatchObject({ success: true, payer: b.payer });
    expect((await settle(a.body)).body).toMatchObject({ success: true, payer: a.payer });

    expect((await rowsOf(c.payer)).map((r) => [r.status, r.gas_nonce])).toEqual([['settled', start]]);
    expect((await rowsOf(b.payer)).map((r) => [r.status, r.gas_nonce])).toEqual([['settled', start + 1]]);
    expect((await rowsOf(a.payer)).map((r) => [r.status, r.gas_nonce, r.gas_nonce_free])).toEqual([
      ['failed', start, false],
      ['settled', start + 2, false],
    ]);
    for (const payer of [a.payer, b.payer, c.payer]) expect(await usdc.balanceOf(payer)).toBe(1_000_000n - PRICE);
    expect(await gasNonces()).toEqual({ latest: start + 3, pending: start + 3 });
  });

  it('when the broadcast fails in transit (the node unreachable), then the settlement stays submitted for the reconciler and its nonce stays taken', async () => {
    const a = await signedPayment();
    proxy.refuseBroadcasts(1);
    const res = await settle(a.body);
    expect(res.body).toMatchObject({
      success: false,
      errorReason: 'settlement_pending',
      transaction: expect.stringMatching(/^0x[0-9a-f]{64}$/),
    });
    expect(await rowsOf(a.payer)).toEqual([expect.objectContaining({ status: 'submitted', gas_nonce_free: false })]);
    // A pass broadcasts the recorded bytes again; the next reads the receipt.
    expect(await t.container.web3.settlements.reconcile()).toBe(0);
    expect(await t.container.web3.settlements.reconcile()).toBe(1);
    expect(await rowsOf(a.payer)).toEqual([expect.objectContaining({ status: 'settled' })]);
    expect(await usdc.balanceOf(a.payer)).toBe(1_000_000n - PRICE);
  });

  it("when the reconciler's broadcast of a settlement left open is refused by the node, then it fails and the next settlement takes its nonce", async () => {
    const start = (await gasNonces()).latest;
    const a = await signedPayment();
    proxy.refuseBroadcasts(1);
    expect((await settle(a.body)).body).toMatchObject({ success: false, errorReason: 'settlement_pending' });
    proxy.interceptNextBroadcast(async () => ({ code: -32000, message: 'insufficient funds for gas * price + value' }));
    expect(await t.container.web3.settlements.reconcile()).toBe(0);
    expect(await rowsOf(a.payer)).toEqual([
      { status: 'failed', gas_nonce: start, failure_reason: 'rejected by the node: INSUFFICIENT_FUNDS', gas_nonce_free: true },
    ]);

    const b = await signedPayment();
    expect((await settle(b.body)).body).toMatchObject({ success: true, payer: b.payer });
    expect((await rowsOf(b.payer)).map((r) => [r.status, r.gas_nonce])).toEqual([['settled', start]]);
    expect((await settle(a.body)).body).toMatchObject({ success: true, payer: a.payer });
    expect(await usdc.balanceOf(a.payer)).toBe(1_000_000n - PRICE);
    expect(await gasNonces()).toEqual({ latest: start + 2, pending: start + 2 });
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
