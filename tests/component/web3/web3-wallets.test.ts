import { inspect } from 'node:util';
import { computeAddress, getAddress, parseEther, SigningKey } from 'ethers';
import { Encryptor } from '../../../src/infra/crypto/envelope';
import { startAnvil, type Anvil } from '../../support/anvil';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { createWeb3Wallet, fundAddress, startWeb3App, vaultedPrivateKey } from '../../support/web3';

describe('web3 wallets', () => {
  let anvil: Anvil;
  let t: TestApp;
  beforeAll(async () => {
    anvil = await startAnvil();
    // Chain 1337 points at a port where nothing listens: an unreachable node.
    t = await startWeb3App(anvil, { extra: { 1337: { rpcUrl: 'http://127.0.0.1:9' } } });
  });
  afterAll(async () => {
    await t.close();
    await anvil.stop();
  });

  it('when a user creates a chain wallet, then the reply is its id and checksummed address, and its key is sealed in the vault', async () => {
    const alice = await registerUser(t);
    const res = await t.http().post('/api/v1/web3/wallets').set(alice.auth).send({ chainId: anvil.chainId, label: 'savings' });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(['address', 'chainId', 'createdAt', 'id', 'label']);
    expect(res.body.address).toBe(getAddress(res.body.address));
    expect(res.body).toMatchObject({ chainId: anvil.chainId, label: 'savings' });

    const { rows } = await t.container.db.query<{ key_ciphertext: string }>(
      'SELECT key_ciphertext FROM web3_vault_keys WHERE wallet_id = $1',
      [res.body.id],
    );
    const ciphertext = rows[0]!.key_ciphertext;
    const key = await vaultedPrivateKey(t, res.body.id);
    expect(computeAddress(new SigningKey(`0x${key}`).publicKey)).toBe(res.body.address);
    expect(ciphertext).not.toContain(key);
    expect(ciphertext.startsWith(`v1.${t.config.ENCRYPTION_KEYS[0]!.id}.`)).toBe(true);
    // The wallet id is the AAD: the same ciphertext does not open for another record.
    expect(() => new Encryptor(t.config.ENCRYPTION_KEYS).decrypt(ciphertext, 'w3w_other')).toThrow();
  });

  it('when users list their chain wallets, then each sees only their own, newest first', async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const first = await createWeb3Wallet(t, alice);
    const second = await createWeb3Wallet(t, alice);
    await createWeb3Wallet(t, bob);
    const res = await t.http().get('/api/v1/web3/wallets').set(alice.auth);
    expect(res.status).toBe(200);
    expect(res.body.data.map((w: { id: string }) => w.id)).toEqual([second.id, first.id]);
    const page = await t.http().get('/api/v1/web3/wallets?limit=1').set(alice.auth);
    const next = await t.http().get(`/api/v1/web3/wallets?limit=1&cursor=${page.body.nextCursor}`).set(alice.auth);
    expect(next.body.data.map((w: { id: string }) => w.id)).toEqual([first.id]);
  });

  it('when the chain id is not configured, then 400 unknown_chain and no wallet is made', async () => {
    const alice = await registerUser(t);
    const res = await t.http().post('/api/v1/web3/wallets').set(alice.auth).send({ chainId: 5 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('unknown_chain');
    expect((await t.http().get('/api/v1/web3/wallets').set(alice.auth)).body.data).toEqual([]);
  });

  it('when the chain id is not a JSON number, or not in decimal digits in a query, then 400 naming it and nothing is made', async () => {
    const alice = await registerUser(t);
    for (const chainId of [true, '31337', [31337], '0x7a69']) {
      const res = await t.http().post('/api/v1/web3/wallets').set(alice.auth).send({ chainId });
      expect({ chainId, status: res.status }).toEqual({ chainId, status: 400 });
      expect(res.body.error.details.fields[0]).toMatchObject({ field: 'body.chainId' });
    }
    expect((await t.http().get('/api/v1/web3/wallets').set(alice.auth)).body.data).toEqual([]);
    const wallet = await createWeb3Wallet(t, alice);
    for (const chainId of ['0x7a69', '3.1337e4', '']) {
      const res = await t.http().get(`/api/v1/web3/wallets/${wallet.id}/balance?chainId=${chainId}`).set(alice.auth);
      expect({ chainId, status: res.status }).toEqual({ chainId, status: 400 });
      expect(res.body.error.details.fields[0]).toMatchObject({ field: 'query.chainId' });
    }
  });

  it('when the balance is asked, then native and token amounts equal what the chain holds', async () => {
    const alice = await registerUser(t);
    const wallet = await createWeb3Wallet(t, alice, { chainId: anvil.chainId });
    await fundAddress(anvil, wallet.address, '1.5');
    const res = await t.http().get(`/api/v1/web3/wallets/${wallet.id}/balance`).set(alice.auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      walletId: wallet.id,
      address: wallet.address,
      chainId: anvil.chainId,
      native: { asset: 'native', symbol: 'ETH', decimals: 18, balance: parseEther('1.5').toString() },
      tokens: [],
    });
    expect(res.body.native.balance).toBe((await anvil.provider.getBalance(wallet.address)).toString());
  });

  it("when someone else's wallet balance is asked, then 404 as if it did not exist", async () => {
    const alice = await registerUser(t);
    const mallory = await registerUser(t);
    const wallet = await createWeb3Wallet(t, alice, { chainId: anvil.chainId });
    const res = await t.http().get(`/api/v1/web3/wallets/${wallet.id}/balance`).set(mallory.auth);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('web3_wallet_not_found');
  });

  it('when the chain node cannot be reached, then 503 chain_unavailable with a clear message', async () => {
    const alice = await registerUser(t);
    const wallet = await createWeb3Wallet(t, alice);
    const res = await t.http().get(`/api/v1/web3/wallets/${wallet.id}/balance?chainId=1337`).set(alice.auth);
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('chain_unavailable');
    expect(res.body.error.message).toMatch(/RPC node of chain 1337 is unreachable/);
    expect(res.headers['retry-after']).toBe('5');
  });

  it('when the balance names no chain and the wallet has none, then 400 chain_id_required', async () => {
    const alice = await registerUser(t);
    const wallet = await createWeb3Wallet(t, alice);
    const res = await t.http().get(`/api/v1/web3/wallets/${wallet.id}/balance`).set(alice.auth);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('chain_id_required');
  });

  it('when the vault is serialised or inspected, then it shows nothing but its name', () => {
    const vault = (t.container.services.web3Wallets as unknown as { vault: object }).vault;
    expect(JSON.stringify({ vault })).toBe('{"vault":"[KeyVault]"}');
    expect(inspect(vault, { depth: 5, showHidden: true })).toBe('[KeyVault]');
  });
});

describe('web3 without WEB3_CHAINS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('when no chain is configured, then every web3 endpoint answers 503 naming WEB3_CHAINS', async () => {
    const alice = await registerUser(t);
    const responses = [
      await t.http().post('/api/v1/web3/wallets').set(alice.auth).send({}),
      await t.http().get('/api/v1/web3/wallets').set(alice.auth),
      await t.http().get('/api/v1/web3/wallets/w3w_x/balance').set(alice.auth),
      await t.http().get('/api/v1/web3/wallets/w3w_x/transactions').set(alice.auth),
      await t
        .http()
        .post('/api/v1/web3/send')
        .set(alice.auth)
        .set('Idempotency-Key', 'k1')
        .send({ web3WalletId: 'w3w_x', chainId: 31337, to: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', amount: '1', asset: 'native' }),
    ];
    for (const res of responses) {
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('web3_not_configured');
      expect(res.body.error.message).toContain('WEB3_CHAINS');
    }
  });
});
