import { randomUUID } from 'node:crypto';
import { Contract, parseEther, Wallet } from 'ethers';
import type { Response } from 'supertest';
import { startAnvil, type Anvil } from '../../support/anvil';
import { deployMiniToken, MINI_TOKEN_ABI, TOKEN_DECIMALS } from '../../support/erc20';
import { startRpcProxy, type RpcProxy } from '../../support/rpc-proxy';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { createWeb3Wallet, fundAddress, sendOnChain, vaultedPrivateKey } from '../../support/web3';

describe('POST /web3/send', () => {
  let anvil: Anvil;
  let proxy: RpcProxy;
  let t: TestApp;
  let tokenAddress: string;
  let token: Contract;
  const seen: Response[] = [];
  const walletIds: string[] = [];

  beforeAll(async () => {
    anvil = await startAnvil();
    tokenAddress = await deployMiniToken(anvil.devAccount);
    token = new Contract(tokenAddress, MINI_TOKEN_ABI, anvil.devAccount);
    proxy = await startRpcProxy(anvil.rpcUrl);
    const chains = { [anvil.chainId]: { rpcUrl: proxy.url, confirmations: 1, tokens: { MINI: tokenAddress } } };
    t = await startTestApp({ WEB3_CHAINS: JSON.stringify(chains), WEB3_WATCHER_INTERVAL_MS: '0' });
  });
  afterAll(async () => {
    await t.close();
    await proxy.close();
    await anvil.stop();
  });

  async function fundedWallet(eth = '10') {
    const user = await registerUser(t);
    const wallet = await createWeb3Wallet(t, user, { chainId: anvil.chainId });
    walletIds.push(wallet.id);
    if (eth !== '0') await fundAddress(anvil, wallet.address, eth);
    return { user, wallet };
  }

  async function send(user: { auth: Record<string, string> }, body: Record<string, unknown>, key?: string) {
    const res = await sendOnChain(t, user, body, key);
    seen.push(res);
    return res;
  }

  const history = async (user: { auth: Record<string, string> }, walletId: string) => {
    const res = await t.http().get(`/api/v1/web3/wallets/${walletId}/transactions`).set(user.auth);
    seen.push(res);
    return res.body.data as Array<Record<string, unknown>>;
  };

  it('when native value is sent, then it is broadcast, mined, recorded pending with its hash, and in the history', async () => {
    const { user, wallet } = await fundedWallet();
    const to = Wallet.createRandom().address;
    const res = await send(user, {
      web3WalletId: wallet.id,
      chainId: anvil.chainId,
      to,
      amount: parseEther('1.25').toString(),
      asset: 'native',
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      type: 'web3_send',
      status: 'pending',
      chainId: anvil.chainId,
      from: wallet.address,
      to,
      asset: 'native',
      nonce: 0,
    });
    expect(res.body.hash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await anvil.provider.getBalance(to)).toBe(parseEther('1.25'));
    const mined = await anvil.provider.getTransaction(res.body.hash);
    expect(mined?.from).toBe(wallet.address);
    expect(mined?.type).toBe(2); // EIP-1559 fees on a chain with a base fee
    const listed = await history(user, wallet.id);
    expect(listed).toEqual([
      expect.objectContaining({ id: res.body.id, type: 'web3_send', hash: res.body.hash, chainId: anvil.chainId, status: 'pending' }),
    ]);
  });

  it('when an ERC-20 token is sent, then the transfer lands on chain and the balance endpoint shows it', async () => {
    const { user, wallet } = await fundedWallet();
    await (await token.getFunction('transfer')(wallet.address, 5_000_000n)).wait();
    const to = Wallet.createRandom().address;
    const res = await send(user, {
      web3WalletId: wallet.id,
      chainId: anvil.chainId,
      to,
      amount: '1500000',
      asset: tokenAddress.toLowerCase(),
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ asset: tokenAddress, assetSymbol: 'MINI', amount: '1500000' });
    expect(await token.getFunction('balanceOf')(to)).toBe(1_500_000n);
    const bySymbol = await send(user, { web3WalletId: wallet.id, chainId: anvil.chainId, to, amount: '500000', asset: 'MINI' });
    expect(bySymbol.status).toBe(202);
    expect(bySymbol.body.nonce).toBe(1);

    const balance = await t.http().get(`/api/v1/web3/wallets/${wallet.id}/balance`).set(user.auth);
    seen.push(balance);
    expect(balance.body.tokens).toEqual([{ asset: tokenAddress, symbol: 'MINI', decimals: TOKEN_DECIMALS, balance: '3000000' }]);
    expect(balance.body.native.balance).toBe((await anvil.provider.getBalance(wallet.address)).toString());
  });

  it('when a send is repeated with the same Idempotency-Key, then the same hash comes back and nothing more is sent', async () => {
    const { user, wallet } = await fundedWallet();
    const body = { web3WalletId: wallet.id, chainId: anvil.chainId, to: Wallet.createRandom().address, amount: '1000', asset: 'native' };
    const key = randomUUID();
    const first = await send(user, body, key);
    const again = await send(user, body, key);
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.hash).toBe(first.body.hash);
    expect(await anvil.provider.getTransactionCount(wallet.address)).toBe(1);
    expect(await history(user, wallet.id)).toHaveLength(1);
  });

  it.each([
    ['a malformed address', { to: '0x1234' }],
    ['a bad checksum', { to: '0x70997970C51812DC3A010C7D01B50E0D17DC79c8' }],
    ['the zero address', { to: '0x0000000000000000000000000000000000000000' }],
    ['a zero amount', { amount: '0' }],
    ['a negative amount', { amount: '-5' }],
    ['a fractional amount', { amount: '1.5' }],
    ['a numeric amount', { amount: 10 }],
    ['an unknown asset', { asset: Wallet.createRandom().address }],
    ['an unknown chain', { chainId: 5 }],
  ])('when the send has %s, then 400 and nothing is sent or recorded', async (_what, change) => {
    const { user, wallet } = await fundedWallet('1');
    const body = {
      web3WalletId: wallet.id,
      chainId: anvil.chainId,
      to: Wallet.createRandom().address,
      amount: '1000',
      asset: 'native',
      ...change,
    };
    const res = await send(user, body);
    expect(res.status).toBe(400);
    expect(res.body.error.message.length).toBeGreaterThan(10);
    expect(await anvil.provider.getTransactionCount(wallet.address)).toBe(0);
    expect(await history(user, wallet.id)).toEqual([]);
  });

  it('when the wallet cannot pay value plus gas, then 422 insufficient_funds and nothing is recorded', async () => {
    const { user, wallet } = await fundedWallet('1');
    const to = Wallet.createRandom().address;
    const all = await send(user, {
      web3WalletId: wallet.id,
      chainId: anvil.chainId,
      to,
      amount: parseEther('1').toString(),
      asset: 'native',
    });
    expect(all.status).toBe(422);
    expect(all.body.error.code).toBe('insufficient_funds');
    const tokens = await send(user, { web3WalletId: wallet.id, chainId: anvil.chainId, to, amount: '1', asset: 'MINI' });
    expect(tokens.status).toBe(422);
    expect(tokens.body.error.details).toMatchObject({ asset: 'MINI', available: '0', required: '1' });
    expect(await anvil.provider.getTransactionCount(wallet.address)).toBe(0);
    expect(await history(user, wallet.id)).toEqual([]);
  });

  it('when a broadcast never reaches the node, then 503, nothing is recorded, and the next send reuses the nonce', async () => {
    const { user, wallet } = await fundedWallet();
    const body = { web3WalletId: wallet.id, chainId: anvil.chainId, to: Wallet.createRandom().address, amount: '1000', asset: 'native' };
    proxy.refuseBroadcasts(1);
    const refused = await send(user, body);
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('chain_unavailable');
    expect(await history(user, wallet.id)).toEqual([]);
    const next = await send(user, body);
    expect(next.status).toBe(202);
    expect(next.body.nonce).toBe(0);
    expect((await anvil.provider.getTransactionReceipt(next.body.hash))?.status).toBe(1);
  });

  it("when someone sends from another user's wallet, then 404 and nothing moves", async () => {
    const { wallet } = await fundedWallet();
    const mallory = await registerUser(t);
    const res = await send(mallory, {
      web3WalletId: wallet.id,
      chainId: anvil.chainId,
      to: Wallet.createRandom().address,
      amount: '1',
      asset: 'native',
    });
    expect(res.status).toBe(404);
    expect(await anvil.provider.getTransactionCount(wallet.address)).toBe(0);
  });

  it('when every response and log line so far is searched, then no vaulted private key appears anywhere', async () => {
    expect(walletIds.length).toBeGreaterThan(10);
    const haystack = (seen.map((r) => r.text + JSON.stringify(r.headers)).join('\n') + t.logs.text()).toLowerCase();
    expect(t.logs.entries.length).toBeGreaterThan(0);
    for (const id of walletIds) {
      const key = await vaultedPrivateKey(t, id);
      expect(key).toMatch(/^[0-9a-f]{64}$/);
      expect(haystack).not.toContain(key);
      expect(haystack).not.toContain(Buffer.from(key, 'hex').toString('base64'));
    }
  });
});
