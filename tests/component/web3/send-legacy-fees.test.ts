import { Wallet } from 'ethers';
import { startAnvil, type Anvil } from '../../support/anvil';
import { registerUser, type TestApp } from '../../support/test-app';
import { createWeb3Wallet, fundAddress, sendOnChain, startWeb3App } from '../../support/web3';

describe('web3 sends on a chain without EIP-1559', () => {
  let anvil: Anvil;
  let t: TestApp;
  beforeAll(async () => {
    anvil = await startAnvil({ hardfork: 'berlin' });
    t = await startWeb3App(anvil);
  });
  afterAll(async () => {
    await t.close();
    await anvil.stop();
  });

  it('when the chain has no base fee, then the send is a legacy transaction with a gas price, and it lands', async () => {
    expect((await anvil.provider.getBlock('latest'))?.baseFeePerGas).toBeNull();
    const user = await registerUser(t);
    const wallet = await createWeb3Wallet(t, user, { chainId: anvil.chainId });
    await fundAddress(anvil, wallet.address, '1');
    const to = Wallet.createRandom().address;
    const res = await sendOnChain(t, user, { web3WalletId: wallet.id, chainId: anvil.chainId, to, amount: '4242', asset: 'native' });
    expect(res.status).toBe(202);
    const mined = await anvil.provider.getTransaction(res.body.hash);
    expect(mined?.type).toBe(0);
    expect(mined?.gasPrice).toBeGreaterThan(0n);
    expect(await anvil.provider.getBalance(to)).toBe(4242n);
  });
});
