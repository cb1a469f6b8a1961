import { ConfigError, loadConfig } from '../../../src/config/config';

describe('WEB3_CHAINS', () => {
  it('when unset, then no chain is configured', () => {
    expect(loadConfig({}).WEB3_CHAINS).toEqual([]);
  });

  it('when set, then each chain gets its id, defaults and checksummed token addresses', () => {
    const config = loadConfig({
      WEB3_CHAINS: JSON.stringify({
        31337: { rpcUrl: 'http://127.0.0.1:8545', tokens: { USDC: '0x5fbdb2315678afecb367f032d93f642f64180aa3' } },
      }),
    });
    expect(config.WEB3_CHAINS).toEqual([
      {
        chainId: 31337,
        rpcUrl: 'http://127.0.0.1:8545',
        confirmations: 1,
        nativeSymbol: 'ETH',
        tokens: { USDC: '0x5FbDB2315678afecb367f032d93F642f64180aa3' },
      },
    ]);
  });

  it.each([
    ['not JSON', '{31337:'],
    ['a chain id that is not a number', JSON.stringify({ main: { rpcUrl: 'http://x' } })],
    ['an RPC URL that is not http', JSON.stringify({ 1: { rpcUrl: 'ftp://node' } })],
    ['zero confirmations', JSON.stringify({ 1: { rpcUrl: 'http://node', confirmations: 0 } })],
    ['a bad token address', JSON.stringify({ 1: { rpcUrl: 'http://node', tokens: { USDC: '0x12' } } })],
    ['an unknown setting', JSON.stringify({ 1: { rpcUrl: 'http://node', privateKey: 'x' } })],
  ])('when it has %s, then start-up fails naming WEB3_CHAINS', (_what, value) => {
    expect(() => loadConfig({ WEB3_CHAINS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ WEB3_CHAINS: value })).toThrow(/WEB3_CHAINS/);
  });
});
