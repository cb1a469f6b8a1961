import { Contract, Signature, Wallet, hexlify, randomBytes, type HDNodeWallet, type TypedDataDomain } from 'ethers';
import { startAnvil, type Anvil } from '../../support/anvil';
import { committedBuild, deployContract } from '../../support/contracts';
import { fundAddress } from '../../support/web3';

const AUTHORIZATION_TYPES = {
  TransferWithAuthorization: [
    { name: 'from', type: 'address' },
    { name: 'to', type: 'address' },
    { name: 'value', type: 'uint256' },
    { name: 'validAfter', type: 'uint256' },
    { name: 'validBefore', type: 'uint256' },
    { name: 'nonce', type: 'bytes32' },
  ],
};

/** The EIP-3009 test token (contracts/TestUsdc.sol) that the x402 tests pay with, on a real anvil. */
describe('TestUsdc (EIP-3009) on anvil', () => {
  let anvil: Anvil;
  let token: Contract;
  let domain: TypedDataDomain;
  const payer = Wallet.createRandom();
  const payee = Wallet.createRandom().address;
  beforeAll(async () => {
    anvil = await startAnvil();
    const address = await deployContract('TestUsdc', anvil.devAccount);
    token = new Contract(address, committedBuild('TestUsdc').abi, anvil.devAccount);
    domain = { name: 'USD Coin', version: '2', chainId: anvil.chainId, verifyingContract: address };
    await (await token.getFunction('mint')(payer.address, 5_000_000n)).wait();
    await fundAddress(anvil, payer.address, '1');
  });
  afterAll(() => anvil.stop());

  async function authorization(value: bigint, overrides: { validBefore?: bigint; signer?: HDNodeWallet } = {}) {
    const message = {
      from: payer.address,
      to: payee,
      value,
      validAfter: 0n,
      validBefore: overrides.validBefore ?? BigInt(Math.floor(Date.now() / 1000) + 600),
      nonce: hexlify(randomBytes(32)),
    };
    const signature = await (overrides.signer ?? payer).signTypedData(domain, AUTHORIZATION_TYPES, message);
    return { message, signature };
  }

  const submit = ({ message: m, signature }: Awaited<ReturnType<typeof authorization>>) =>
    token.getFunction('transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,bytes)')(
      m.from,
      m.to,
      m.value,
      m.validAfter,
      m.validBefore,
      m.nonce,
      signature,
    );

  it('when it is read, then it has the name, version and decimals of USDC and its EIP-712 domain separator', async () => {
    expect(await token.getFunction('name')()).toBe('USD Coin');
    expect(await token.getFunction('version')()).toBe('2');
    expect(await token.getFunction('decimals')()).toBe(6n);
    const { TypedDataEncoder } = await import('ethers');
    expect(await token.getFunction('DOMAIN_SEPARATOR')()).toBe(TypedDataEncoder.hashDomain(domain));
  });

  it('when a signed authorization is submitted by anyone, then the value moves and the nonce is marked used', async () => {
    const auth = await authorization(1_250_000n);
    await (await submit(auth)).wait();
    expect(await token.getFunction('balanceOf')(payee)).toBe(1_250_000n);
    expect(await token.getFunction('authorizationState')(payer.address, auth.message.nonce)).toBe(true);
  });

  it('when the same authorization is submitted again, then it reverts as used', async () => {
    const auth = await authorization(1n);
    await (await submit(auth)).wait();
    await expect(submit(auth)).rejects.toThrow(/authorization is used/);
  });

  it('when the authorization is expired or signed by someone else, then it reverts and nothing moves', async () => {
    const before = await token.getFunction('balanceOf')(payee);
    await expect(submit(await authorization(1n, { validBefore: 1n }))).rejects.toThrow(/expired/);
    await expect(submit(await authorization(1n, { signer: Wallet.createRandom() }))).rejects.toThrow(/invalid signature/);
    expect(await token.getFunction('balanceOf')(payee)).toBe(before);
  });

  it('when the signature comes as v, r, s, then the same authorization is accepted', async () => {
    const { message: m, signature } = await authorization(7n);
    const { v, r, s } = Signature.from(signature);
    const fn = token.getFunction('transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)');
    await (await fn(m.from, m.to, m.value, m.validAfter, m.validBefore, m.nonce, v, r, s)).wait();
    expect(await token.getFunction('authorizationState')(payer.address, m.nonce)).toBe(true);
  });
});
