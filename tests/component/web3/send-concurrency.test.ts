import { parseEther, Wallet } from 'ethers';
import { startAnvil, type Anvil } from '../../support/anvil';
import { registerUser, type TestApp } from '../../support/test-app';
import { createWeb3Wallet, fundAddress, sendOnChain, startWeb3App } from '../../support/web3';

describe('concurrent web3 sends from one address', () => {
  let anvil: Anvil;
  let t: TestApp;
  beforeAll(async () => {
    anvil = await startAnvil();
    t = await startWeb3App(anvil);
  });
  afterAll(async () => {
    await t.close();
    await anvil.stop();
  });

  it('when 20 sends from one wallet arrive at once, then all are mined with distinct, gap-free nonces', async () => {
    const user = await registerUser(t);
    const wallet = await createWeb3Wallet(t, user, { chainId: anvil.chainId });
    await fundAddress(anvil, wallet.address, '5');
    const to = Wallet.createRandom().address;
    const amount = parseEther('0.01');

    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        sendOnChain(t, user, { web3WalletId: wallet.id, chainId: anvil.chainId, to, amount: amount.toString(), asset: 'native' }),
      ),
    );
    for (const res of responses) expect(res.status).toBe(202);
    const nonces = responses.map((r) => r.body.nonce as number).sort((a, b) => a - b);
    expect(nonces).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(new Set(responses.map((r) => r.body.hash)).size).toBe(20);

    const receipts = await Promise.all(responses.map((r) => anvil.provider.getTransactionReceipt(r.body.hash)));
    expect(receipts.every((receipt) => receipt?.status === 1)).toBe(true);
    expect(await anvil.provider.getTransactionCount(wallet.address, 'latest')).toBe(20);
    expect(await anvil.provider.getBalance(to)).toBe(amount * 20n);

    const history = await t.http().get(`/api/v1/web3/wallets/${wallet.id}/transactions?limit=100`).set(user.auth);
    expect(history.body.data).toHaveLength(20);
    const summary = await t.container.web3.watcher.runOnce();
    expect(summary).toMatchObject({ checked: 20, confirmed: 20, failed: 0 });
  });

  it('when 10 concurrent sends each ask for more than a tenth of the balance, then those the chain cannot pay get 422 and the rest land', async () => {
    const user = await registerUser(t);
    const wallet = await createWeb3Wallet(t, user, { chainId: anvil.chainId });
    await fundAddress(anvil, wallet.address, '1');
    const to = Wallet.createRandom().address;
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        sendOnChain(t, user, {
          web3WalletId: wallet.id,
          chainId: anvil.chainId,
          to,
          amount: parseEther('0.3').toString(),
          asset: 'native',
        }),
      ),
    );
    const sent = responses.filter((r) => r.status === 202);
    expect(sent).toHaveLength(3);
    for (const r of responses.filter((x) => x.status !== 202)) expect(r.body.error.code).toBe('insufficient_funds');
    expect(sent.map((r) => r.body.nonce).sort()).toEqual([0, 1, 2]);
    expect(await anvil.provider.getBalance(to)).toBe(parseEther('0.9'));
  });
});
