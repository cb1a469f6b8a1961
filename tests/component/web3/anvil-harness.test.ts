import { Contract, parseEther, Wallet } from 'ethers';
import { ANVIL_CHAIN_ID, startAnvil, type Anvil } from '../../support/anvil';
import { deployMiniToken, MINI_TOKEN_ABI, TOKEN_DECIMALS, TOKEN_SUPPLY } from '../../support/erc20';

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

  it('when the mini token is deployed, then it behaves as an ERC-20: supply to the deployer, transfers, reverts on overdraft', async () => {
    const address = await deployMiniToken(anvil.devAccount);
    const token = new Contract(address, MINI_TOKEN_ABI, anvil.devAccount);
    const other = Wallet.createRandom().address;
    expect(Number(await token.getFunction('decimals')())).toBe(TOKEN_DECIMALS);
    expect(await token.getFunction('balanceOf')(anvil.devAccount.address)).toBe(TOKEN_SUPPLY);
    const receipt = await (await token.getFunction('transfer')(other, 1234n)).wait();
    expect(receipt.logs).toHaveLength(1);
    expect(await token.getFunction('balanceOf')(other)).toBe(1234n);
    expect(await token.getFunction('balanceOf')(anvil.devAccount.address)).toBe(TOKEN_SUPPLY - 1234n);
    await expect(token.getFunction('transfer').staticCall(other, TOKEN_SUPPLY)).rejects.toThrow();
  });
});
