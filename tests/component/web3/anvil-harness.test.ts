import { parseEther } from 'ethers';
import { ANVIL_CHAIN_ID, startAnvil, type Anvil } from '../../support/anvil';

describe('the anvil test harness', () => {
  let anvil: Anvil;
  beforeAll(async () => {
    anvil = await startAnvil();
  });
  afterAll(() => anvil.stop());

  it('when started, then it answers on 127.0.0.1 with chain id 31337 and a pre-funded dev account', async () => {
    expect(anvil.rpcUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(await anvil.provider.send('eth_chainId', []))).toBe(ANVIL_CHAIN_ID);
    expect(await anvil.provider.getBalance(anvil.devAccount.address)).toBeGreaterThan(parseEther('1000'));
  });

  it('when asked to mine, then the head moves by that many blocks', async () => {
    const before = await anvil.provider.getBlockNumber();
    await anvil.mine(3);
    expect(await anvil.provider.getBlockNumber()).toBe(before + 3);
  });
});
