import { hexlify, randomBytes, verifyTypedData, Wallet, type HDNodeWallet } from 'ethers';
import { createContainer } from '../../../src/container';
import { MemoryCache } from '../../../src/infra/cache/memory-cache';
import type { Database } from '../../../src/infra/db/database';
import { createLogger } from '../../../src/infra/logger';
import { createVaultX402Signer } from '../../../src/protocols/x402';
import { decodePaymentResponseHeader } from '@x402/fetch';
import { startAnvil, type Anvil } from '../../support/anvil';
import { merchantClientAuth, createMerchant } from '../../support/merchants';
import { serviceAuth } from '../../support/payments';
import { startRpcProxy, type RpcProxy } from '../../support/rpc-proxy';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { createWeb3Wallet, fundAddress, sendOnChain } from '../../support/web3';
import { deployUsdc, facilitatorUrl, keySigner, listen, payingFetch, startResourceServer, USDC_DOMAIN } from '../../support/x402';
import { TRANSFER_WITH_AUTHORIZATION_TYPES } from '../../../src/modules/web3/eip3009';
import { DEFAULT_TENANT_ID } from '../../../src/shared/tenant-settings';

/**
 * Issue #17 items 8 and 9: OCP as the x402 v2 facilitator of a merchant's @x402/express server,
 * paid by @x402/fetch, settled on a real anvil from OCP's gas key into the merchant's vaulted wallet.
 */
describe('OCP as x402 facilitator (/x402/supported, /x402/verify, /x402/settle)', () => {
  let anvil: Anvil;
  let proxy: RpcProxy;
  let t: TestApp;
  let ocp: { url: string; close: () => Promise<void> };
  let usdc: Awaited<ReturnType<typeof deployUsdc>>;
  let merchantAuth: Record<string, string>;
  let payTo: string;
  let owner: Awaited<ReturnType<typeof registerUser>>;
  const network = 'eip155:31337' as const;
  const PRICE = 10_000n; // $0.01 of a 6-decimal token

  beforeAll(async () => {
    anvil = await startAnvil();
    proxy = await startRpcProxy(anvil.rpcUrl);
    usdc = await deployUsdc(anvil);
    t = await startTestApp({
      WEB3_CHAINS: JSON.stringify({ [anvil.chainId]: { rpcUrl: proxy.url, confirmations: 1, tokens: { USDC: usdc.address } } }),
      WEB3_WATCHER_INTERVAL_MS: '0',
      WEB3_RPC_TIMEOUT_MS: '3000',
    });
    ocp = await listen(t.app);
    owner = await registerUser(t);
    const merchant = await createMerchant(t, owner);
    merchantAuth = (await merchantClientAuth(t, owner, merchant.id)).auth;
    payTo = (await createWeb3Wallet(t, owner, { chainId: anvil.chainId })).address;
    const supported = await t.http().get('/x402/supported');
    await fundAddress(anvil, supported.body.signers['eip155:*'][0], '1');
  });
  afterAll(async () => {
    await ocp.close();
    await t.close();
    await proxy.close();
    await anvil.stop();
  });

  async function buyer(tokens: bigint = 1_000_000n) {
    const wallet = Wallet.createRandom();
    await usdc.mint(wallet.address, tokens);
    return wallet;
  }

  const resourceServer = () =>
    startResourceServer({
      facilitatorUrl: facilitatorUrl(ocp.url),
      auth: merchantAuth,
      network,
      asset: usdc.address,
      amount: PRICE.toString(),
      payTo,
    });

  async function settlementRows() {
    const { rows } = await t.container.db.query<{ status: string; tx_hash: string; value: string; from_address: string }>(
      'SELECT status, tx_hash, value::text AS value, from_address FROM eip3009_settlements ORDER BY created_at',
    );
    return rows;
  }

  it('when /x402/supported is read, then it lists exact on the configured chain and the gas key as signer', async () => {
    const res = await t.http().get('/x402/supported');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      kinds: [{ x402Version: 2, scheme: 'exact', network }],
      extensions: [],
      signers: { 'eip155:*': [expect.stringMatching(/^0x[0-9a-fA-F]{40}$/)] },
    });
  });

  it('when the OpenAPI document is read, then it lists the three facilitator routes', async () => {
    const paths = Object.keys((await t.http().get('/openapi.json')).body.paths);
    expect(paths).toEqual(expect.arrayContaining(['/x402/supported', '/x402/verify', '/x402/settle']));
  });

  it('when an @x402/fetch buyer calls an @x402/express route pointed at OCP, then it is served and the token moves on chain to the merchant', async () => {
    const server = await resourceServer();
    try {
      const payer = await buyer();
      const before = await usdc.balanceOf(payTo);
      const res = await payingFetch(keySigner(payer), { network, asset: usdc.address })(`${server.url}/weather`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ weather: 'sunny' });
      const receipt = decodePaymentResponseHeader(res.headers.get('payment-response')!);
      expect(receipt).toMatchObject({
        success: true,
        network,
        payer: payer.address,
        transaction: expect.stringMatching(/^0x[0-9a-f]{64}$/),
      });
      expect(await usdc.balanceOf(payTo)).toBe(before + PRICE);
      expect(await usdc.balanceOf(payer.address)).toBe(1_000_000n - PRICE);
      const row = (await settlementRows()).find((r) => r.tx_hash === receipt.transaction);
      expect(row).toEqual({ status: 'settled', tx_hash: receipt.transaction, value: PRICE.toString(), from_address: payer.address });
    } finally {
      await server.close();
    }
  });

  it('when the same payment is sent again, then the resource server refuses it and OCP settles nothing twice', async () => {
    const server = await resourceServer();
    try {
      const payer = await buyer();
      let paymentHeader = '';
      const recording: typeof fetch = async (input, init) => {
        const request = new Request(input, init);
        paymentHeader = request.headers.get('payment-signature') ?? paymentHeader;
        return fetch(request);
      };
      expect((await payingFetch(keySigner(payer), { network, asset: usdc.address }, recording)(`${server.url}/weather`)).status).toBe(200);
      const balance = await usdc.balanceOf(payTo);
      const served = server.served();
      const replay = await fetch(`${server.url}/weather`, { headers: { 'payment-signature': paymentHeader } });
      expect(replay.status).toBe(402);
      expect(server.served()).toBe(served);
      expect(await usdc.balanceOf(payTo)).toBe(balance);

      const payload = JSON.parse(Buffer.from(paymentHeader, 'base64').toString('utf8'));
      const body = { x402Version: 2, paymentPayload: payload, paymentRequirements: payload.accepted };
      const settle = await t.http().post('/x402/settle').set(merchantAuth).send(body);
      expect(settle.status).toBe(200);
      expect(settle.body).toMatchObject({ success: false, errorReason: 'invalid_exact_evm_nonce_already_used' });
      expect((await settlementRows()).filter((r) => r.from_address === payer.address)).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  /** A facilitator request as @x402/core's HTTPFacilitatorClient sends it, signed by `payer` directly. */
  async function signedRequest(
    payer: Wallet | HDNodeWallet,
    o: { value?: bigint; to?: string; payTo?: string; validBefore?: bigint; name?: string } = {},
  ) {
    const requirements = {
      scheme: 'exact',
      network,
      amount: PRICE.toString(),
      asset: usdc.address,
      payTo: o.payTo ?? payTo,
      maxTimeoutSeconds: 60,
      extra: { name: o.name ?? USDC_DOMAIN.name, version: USDC_DOMAIN.version },
    };
    const authorization = {
      from: payer.address,
      to: o.to ?? o.payTo ?? payTo,
      value: (o.value ?? PRICE).toString(),
      validAfter: '0',
      validBefore: (o.validBefore ?? BigInt(Math.floor(Date.now() / 1000) + 300)).toString(),
      nonce: hexlify(randomBytes(32)),
    };
    const domain = { name: requirements.extra.name, version: '2', chainId: anvil.chainId, verifyingContract: usdc.address };
    const signature = await payer.signTypedData(domain, TRANSFER_WITH_AUTHORIZATION_TYPES, authorization);
    return {
      x402Version: 2,
      paymentPayload: { x402Version: 2, accepted: requirements, payload: { signature, authorization } },
      paymentRequirements: requirements,
    };
  }

  it.each([
    ['the payee is not the one asked for', { to: Wallet.createRandom().address }, 'invalid_exact_evm_recipient_mismatch'],
    ['the value is below the price', { value: PRICE - 1n }, 'invalid_exact_evm_payload_authorization_value_mismatch'],
    ['the authorization has expired', { validBefore: 1000n }, 'invalid_exact_evm_payload_authorization_valid_before'],
    ["the domain is not the token's", { name: 'Fake Coin' }, 'invalid_exact_evm_token_name_mismatch'],
  ])('when %s, then verify says invalid with its reason and settle moves nothing', async (_case, o, reason) => {
    const payer = await buyer();
    const body = await signedRequest(payer, o);
    const verify = await t.http().post('/x402/verify').set(merchantAuth).send(body);
    expect(verify.body).toEqual({ isValid: false, invalidReason: reason, payer: payer.address });
    const settle = await t.http().post('/x402/settle').set(merchantAuth).send(body);
    expect(settle.body).toMatchObject({ success: false, errorReason: reason, transaction: '' });
    expect(await usdc.balanceOf(payer.address)).toBe(1_000_000n);
  });

  it.each([
    ['an address OCP does not hold', async () => Wallet.createRandom().address],
    ["another user's vaulted wallet", async () => (await createWeb3Wallet(t, await registerUser(t), { chainId: anvil.chainId })).address],
  ])(
    'when payTo is %s, then verify and settle refuse it as not the caller’s wallet and nothing is signed or moved',
    async (_case, target) => {
      const elsewhere = await target();
      const payer = await buyer();
      const body = await signedRequest(payer, { payTo: elsewhere });
      const verify = await t.http().post('/x402/verify').set(merchantAuth).send(body);
      expect(verify.body).toEqual({ isValid: false, invalidReason: 'payto_not_caller_wallet', payer: payer.address });
      const settle = await t.http().post('/x402/settle').set(merchantAuth).send(body);
      expect(settle.body).toMatchObject({ success: false, errorReason: 'payto_not_caller_wallet', transaction: '' });
      expect(await usdc.balanceOf(elsewhere)).toBe(0n);
      expect(await usdc.balanceOf(payer.address)).toBe(1_000_000n);
      expect((await settlementRows()).filter((r) => r.from_address === payer.address)).toEqual([]);
    },
  );

  it("when the merchant's owner settles into a vaulted wallet of its own, then it is paid; another user's token cannot settle into it", async () => {
    const payer = await buyer();
    const body = await signedRequest(payer);
    const stranger = await registerUser(t);
    const foreign = await t.http().post('/x402/settle').set(stranger.auth).send(body);
    expect(foreign.body).toMatchObject({ success: false, errorReason: 'payto_not_caller_wallet' });
    const before = await usdc.balanceOf(payTo);
    const own = await t.http().post('/x402/settle').set(owner.auth).send(body);
    expect(own.body).toMatchObject({ success: true, payer: payer.address });
    expect(await usdc.balanceOf(payTo)).toBe(before + PRICE);
  });

  it('when the addresses come in lowercase or with a wrong checksum, then they are read as the addresses they spell', async () => {
    const payer = await buyer();
    const body = await signedRequest(payer);
    const authorization = body.paymentPayload.payload.authorization;
    authorization.from = authorization.from.toLowerCase();
    const swapped = [...authorization.to.slice(2)].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');
    authorization.to = `0x${swapped}`;
    const verify = await t.http().post('/x402/verify').set(merchantAuth).send(body);
    expect(verify.body).toEqual({ isValid: true, payer: payer.address });
  });

  it('when one authorization is settled by 5 requests at once, then it moves once and the others are refused as used', async () => {
    const payer = await buyer();
    const body = await signedRequest(payer);
    const answers = await Promise.all(Array.from({ length: 5 }, () => t.http().post('/x402/settle').set(merchantAuth).send(body)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.filter((a) => a.body.success === true)).toHaveLength(1);
    for (const a of answers.filter((a) => a.body.success !== true)) expect(a.body.errorReason).toBe('invalid_exact_evm_nonce_already_used');
    expect(await usdc.balanceOf(payer.address)).toBe(1_000_000n - PRICE);
    expect((await settlementRows()).filter((r) => r.from_address === payer.address)).toHaveLength(1);
  });

  it('when verify or settle come without a token, or from a client without merchant:payments:redeem, then 401/403', async () => {
    const body = { x402Version: 2, paymentPayload: {}, paymentRequirements: {} };
    expect((await t.http().post('/x402/verify').send(body)).status).toBe(401);
    const service = await serviceAuth(t, ['web3:read']);
    expect((await t.http().post('/x402/settle').set(service.auth).send(body)).status).toBe(403);
  });

  it("when a server-to-server client reads or sends from OCP's gas wallet, then it is not found and nothing is sent", async () => {
    const service = await serviceAuth(t, ['web3:read', 'web3:send']);
    const balance = await t.http().get(`/api/v1/web3/wallets/w3w_eip3009_gas/balance?chainId=${anvil.chainId}`).set(service.auth);
    expect(balance.status).toBe(404);
    const send = await sendOnChain(t, service, {
      web3WalletId: 'w3w_eip3009_gas',
      chainId: anvil.chainId,
      to: Wallet.createRandom().address,
      amount: '1',
      asset: 'native',
    });
    expect(send.status).toBe(404);
  });

  it("when @x402/fetch pays with an OCP-vault signer, then the user's vaulted chain wallet pays the merchant on chain", async () => {
    const server = await resourceServer();
    try {
      const user = await registerUser(t);
      const wallet = await createWeb3Wallet(t, user, { chainId: anvil.chainId });
      await usdc.mint(wallet.address, 50_000n);
      const principal = { sub: user.id, role: 'user' as const, permissions: ['web3:send'], tenantId: DEFAULT_TENANT_ID };
      const signer = await createVaultX402Signer(t.container.web3.authorizations, principal, wallet.id);
      expect(signer.address).toBe(wallet.address);
      const before = await usdc.balanceOf(payTo);
      const res = await payingFetch(signer, { network, asset: usdc.address })(`${server.url}/weather`);
      expect(res.status).toBe(200);
      expect(await usdc.balanceOf(wallet.address)).toBe(50_000n - PRICE);
      expect(await usdc.balanceOf(payTo)).toBe(before + PRICE);
    } finally {
      await server.close();
    }
  });

  it("when the vault signer is asked for other typed data, a wrong token domain or a wallet not the caller's, then it signs nothing", async () => {
    const user = await registerUser(t);
    const wallet = await createWeb3Wallet(t, user, { chainId: anvil.chainId });
    const principal = { sub: user.id, role: 'user' as const, permissions: ['web3:send'], tenantId: DEFAULT_TENANT_ID };
    const signer = await createVaultX402Signer(t.container.web3.authorizations, principal, wallet.id);
    const domain = { name: 'USD Coin', version: '2', chainId: anvil.chainId, verifyingContract: usdc.address };
    const message = {
      from: wallet.address,
      to: payTo,
      value: '1',
      validAfter: '0',
      validBefore: '9999999999',
      nonce: hexlify(randomBytes(32)),
    };
    await expect(signer.signTypedData({ domain, types: {}, primaryType: 'Permit', message })).rejects.toThrow(
      /transfer authorizations only/,
    );
    await expect(
      signer.signTypedData({ domain: { ...domain, name: 'Fake Coin' }, types: {}, primaryType: 'TransferWithAuthorization', message }),
    ).rejects.toMatchObject({ code: 'token_domain_mismatch' });
    const stranger = { sub: 'usr_stranger', role: 'user' as const, permissions: ['web3:send'], tenantId: DEFAULT_TENANT_ID };
    await expect(createVaultX402Signer(t.container.web3.authorizations, stranger, wallet.id)).rejects.toMatchObject({
      code: 'web3_wallet_not_found',
    });
    const signature = await signer.signTypedData({ domain, types: {}, primaryType: 'TransferWithAuthorization', message });
    expect(verifyTypedData(domain, TRANSFER_WITH_AUTHORIZATION_TYPES, message, signature)).toBe(wallet.address);
  });

  it('when the broadcast is lost mid-settle, then the signed settlement is kept and a restarted OCP lands it at start-up', async () => {
    const server = await resourceServer();
    try {
      const payer = await buyer();
      const before = await usdc.balanceOf(payTo);
      proxy.refuseBroadcasts(1);
      const res = await payingFetch(keySigner(payer), { network, asset: usdc.address })(`${server.url}/weather`);
      expect(res.status).not.toBe(200);
      expect(await usdc.balanceOf(payTo)).toBe(before);
      const open = (await settlementRows()).filter((r) => r.from_address === payer.address);
      expect(open).toEqual([expect.objectContaining({ status: 'submitted' })]);

      // A second OCP process on the same database, as after a restart (this one runs no reconciler):
      // its start-up broadcasts the recorded bytes again, then reads the receipt.
      const sharedDb = Object.create(t.container.db, { close: { value: async () => undefined } }) as Database;
      const restarted = await createContainer(
        { ...t.config, WEB3_WATCHER_INTERVAL_MS: 100 },
        { db: sharedDb, cache: new MemoryCache(), logger: createLogger('error', []) },
      );
      try {
        const deadline = Date.now() + 15_000;
        while ((await settlementRows()).find((r) => r.tx_hash === open[0]!.tx_hash)?.status !== 'settled' && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      } finally {
        await restarted.close();
      }
      expect(await usdc.balanceOf(payTo)).toBe(before + PRICE);
      expect((await settlementRows()).filter((r) => r.from_address === payer.address)).toEqual([
        expect.objectContaining({ status: 'settled', tx_hash: open[0]!.tx_hash }),
      ]);
    } finally {
      await server.close();
    }
  });
});
