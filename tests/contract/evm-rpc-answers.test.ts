import { EthersRpc } from '../../src/modules/web3/adapters/ethers-rpc';
import { chainToAppError } from '../../src/modules/web3/chain-errors';
import { FakeHttpServer, type FakeReply } from '../support/fake-http-server';

/** Issue 15: a JSON-RPC node's answer is bounded in size, and its words never reach the client. */
const CHAIN_ID = 31337;
const ADDRESS = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const NODE_SECRET = 'geth at /srv/node-7/internal.example has 3 peers; api key sk_live_123';

describe('EthersRpc against a hostile node', () => {
  let answer: (id: unknown) => FakeReply = (id) => ({ status: 200, body: { jsonrpc: '2.0', id, result: '0x1' } });
  const node = new FakeHttpServer((req) => answer(req.body.id));
  let rpc: EthersRpc;
  beforeAll(async () => {
    await node.start();
    rpc = new EthersRpc(CHAIN_ID, node.url, 5_000, 100_000);
  });
  afterAll(async () => {
    rpc.close();
    await node.stop();
  });

  it('when an answer is larger than the limit, then the read fails fast as chain_unavailable without reading it all', async () => {
    answer = (id) => ({ status: 200, body: { jsonrpc: '2.0', id, result: `0x${'ab'.repeat(1_000_000)}` } });
    const started = Date.now();
    const error = await rpc.call(ADDRESS, '0x').catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(chainToAppError(error, 'read')).toMatchObject({ code: 'chain_unavailable' });
  });

  it('when the node refuses a read with its own words, then the client sees the OCP code and none of the words', async () => {
    answer = (id) => ({ status: 200, body: { jsonrpc: '2.0', id, error: { code: -32000, message: NODE_SECRET } } });
    const error = chainToAppError(await rpc.getBalance(ADDRESS).catch((e: unknown) => e), 'read') as Error & { code: string };
    expect(error.code).toBe('chain_error');
    expect(error.message).not.toContain('sk_live');
    expect(error.message).not.toContain('/srv');
  });

  it('when the node refuses a transaction with its own words, then transaction_rejected without them', async () => {
    answer = (id) => ({ status: 200, body: { jsonrpc: '2.0', id, error: { code: -32000, message: NODE_SECRET } } });
    const error = chainToAppError(await rpc.broadcast('0x02').catch((e: unknown) => e), 'send') as Error & {
      code: string;
      details?: unknown;
    };
    expect(error.code).toBe('transaction_rejected');
    expect(`${error.message} ${JSON.stringify(error.details)}`).not.toMatch(/sk_live|\/srv|peers/);
  });

  it('when a well-formed answer comes, then it is read as before', async () => {
    answer = (id) => ({ status: 200, body: { jsonrpc: '2.0', id, result: '0x2a' } });
    await expect(rpc.getBalance(ADDRESS)).resolves.toBe(42n);
  });
});
