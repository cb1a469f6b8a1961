import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RedisEventFanout } from '../../../src/infra/pubsub/redis-event-fanout';
import { registerAgent } from '../../support/agents';
import { createWallet, fund, transfer, type TestUser } from '../../support/ledger';
import { startServer } from '../../../src/http/server-lifecycle';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { collect, gql, listenWithSubscriptions, sleep, wsClient, type Listening } from './support';

const TRANSFERS = 'subscription($w: ID!) { transferEvents(walletId: $w) { type transferId amount fromWalletId toWalletId } }';
const BALANCES = 'subscription($w: ID!) { balanceChanged(walletId: $w) { walletId balance transferId } }';
/** Time for a subscription's start message to reach the server before the event it waits for. */
const SUBSCRIBED_MS = 150;

describe('GraphQL subscriptions over WebSocket (graphql-ws)', () => {
  let t: TestApp;
  let http: Listening;
  let alice: TestUser;
  let bob: TestUser;
  let aliceWallet: string;
  let bobWallet: string;

  beforeAll(async () => {
    t = await startTestApp({ GRAPHQL_AUTH_RECHECK_MS: '100' });
    http = await listenWithSubscriptions(t);
    alice = await registerUser(t);
    bob = await registerUser(t);
    aliceWallet = (await createWallet(t, alice)).id;
    bobWallet = (await createWallet(t, bob)).id;
    await fund(t, aliceWallet, 1_000);
  });

  afterAll(async () => {
    await http.close();
    await t.close();
  });

  it("when a transfer is posted, then the receiver's transfer and balance subscriptions hear it", async () => {
    const client = wsClient(http.wsUrl, bob.accessToken);
    try {
      const transfers = collect(client, TRANSFERS, { w: bobWallet });
      const balances = collect(client, BALANCES, { w: bobWallet });
      await sleep(SUBSCRIBED_MS);
      const posted = await transfer(t, alice, { fromWalletId: aliceWallet, toWalletId: bobWallet, amount: '25' });
      expect(posted.status).toBe(201);
      const [heard, balance] = await Promise.all([transfers.done, balances.done]);
      expect(heard.results[0].data.transferEvents).toEqual({
        type: 'transfer.completed',
        transferId: posted.body.transfer.id,
        amount: '25',
        fromWalletId: aliceWallet,
        toWalletId: bobWallet,
      });
      expect(balance.results[0].data.balanceChanged).toEqual({ walletId: bobWallet, balance: '25', transferId: posted.body.transfer.id });
    } finally {
      await client.dispose();
    }
  });

  it("when an owner's agent pays and is refused by its policy, then the owner's agentDecisions subscription hears both decisions", async () => {
    const payer = await registerAgent(t, { funds: 1_000, policy: { maxPerTransaction: '50' } });
    const payee = await registerAgent(t);
    const client = wsClient(http.wsUrl, payer.owner.accessToken);
    try {
      const query = 'subscription { agentDecisions { type agentId amount currency status rule } }';
      const decisions = collect(client, query, {}, 2);
      await sleep(SUBSCRIBED_MS);
      const pay = (amount: string) =>
        t
          .http()
          .post('/api/v1/a2a/transfers')
          .set(payer.auth)
          .set('Idempotency-Key', randomUUID())
          .send({ to: { agentId: payee.id }, amount, currency: 'USD' });
      expect((await pay('30')).status).toBe(201);
      expect((await pay('80')).status).toBe(403);
      const heard = await decisions.done;
      expect(heard.error).toBeUndefined();
      expect(heard.results.map((r) => r.data.agentDecisions)).toEqual([
        expect.objectContaining({ type: 'agent.payment.completed', agentId: payer.id, amount: '30', currency: 'USD' }),
        expect.objectContaining({ type: 'agent.payment.refused', agentId: payer.id, amount: '80', rule: 'max_per_transaction' }),
      ]);
    } finally {
      await client.dispose();
    }
  });

  it('when a WebSocket upgrade asks for another path, then it is answered 404 and closed', async () => {
    const { port } = new URL(http.baseUrl);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () =>
        socket.write(
          'GET /api/v1/wallets HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
            'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
        ),
      );
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 404 Not Found/);
  });

  it("when a subscription names someone else's wallet, then it is refused with wallet_not_found and hears nothing", async () => {
    const client = wsClient(http.wsUrl, bob.accessToken);
    try {
      const theirs = collect(client, TRANSFERS, { w: aliceWallet });
      const { results } = await theirs.done;
      expect(results).toHaveLength(1);
      expect(results[0].data ?? null).toBeNull();
      expect(results[0].errors[0].extensions).toMatchObject({ code: 'wallet_not_found', status: 404 });
    } finally {
      await client.dispose();
    }
  });

  it('when connection_init has no token or a bad one, then the socket is closed with 4403', async () => {
    const closes: number[] = [];
    const client = wsClient(http.wsUrl, 'not.a.token', (e) => closes.push(e.code));
    const { error } = await collect(client, TRANSFERS, { w: bobWallet }).done;
    expect(error).toBeDefined();
    expect(closes).toContain(4403);
    await client.dispose();
  });

  it('when a query or mutation is sent over the socket, then it is refused: those go over HTTP and its rate limits', async () => {
    const client = wsClient(http.wsUrl, bob.accessToken);
    try {
      const { results, error } = await collect(client, '{ wallets { edges { cursor } } }', {}).done;
      expect(results).toHaveLength(0);
      expect(JSON.stringify(error)).toContain('Only subscriptions run over WebSocket');
    } finally {
      await client.dispose();
    }
  });

  it('when a subscription document is invalid, then the socket answers its GraphQL error and nothing runs', async () => {
    const client = wsClient(http.wsUrl, bob.accessToken);
    try {
      const { results, error } = await collect(client, 'subscription { noSuchField }', {}).done;
      expect(results).toHaveLength(0);
      expect(JSON.stringify(error)).toContain('noSuchField');
    } finally {
      await client.dispose();
    }
  });

  it('when the token is revoked (logout), then its open subscription is closed with 4403', async () => {
    const carol = await registerUser(t);
    const carolWallet = (await createWallet(t, carol)).id;
    const closes: number[] = [];
    const client = wsClient(http.wsUrl, carol.accessToken, (e) => closes.push(e.code));
    const sub = collect(client, BALANCES, { w: carolWallet });
    await sleep(SUBSCRIBED_MS);
    expect(t.container.graphqlSubscriptions.connections).toBeGreaterThan(0);
    expect((await t.http().post('/api/v1/auth/logout').set(carol.auth).send({})).status).toBe(204);
    const { error } = await sub.done;
    expect(error).toBeDefined();
    expect(closes).toEqual([4403]);
    await client.dispose();
  });
});

describe('GraphQL subscriptions and a graceful shutdown', () => {
  it('when the server shuts down with a subscription open, then the socket is closed (1001) and the drain does not wait for it', async () => {
    const t = await startTestApp();
    const running = await startServer(t.app, {
      host: '127.0.0.1',
      port: 0,
      shutdownTimeoutMs: 5_000,
      logger: t.container.logger,
      onDraining: () => t.container.graphqlSubscriptions.close(),
    });
    t.container.graphqlSubscriptions.attach(running.server);
    try {
      const user = await registerUser(t);
      const wallet = (await createWallet(t, user)).id;
      const closes: number[] = [];
      const client = wsClient(`ws://127.0.0.1:${running.port}/api/v1/graphql`, user.accessToken, (e) => closes.push(e.code));
      const sub = collect(client, BALANCES, { w: wallet });
      await sleep(SUBSCRIBED_MS);
      const started = Date.now();
      await running.shutdown('test');
      expect(Date.now() - started).toBeLessThan(4_000);
      await sub.done;
      expect(closes).toEqual([1001]);
      await client.dispose();
    } finally {
      await t.close();
    }
  });
});

const redis = process.env.REDIS_URL;
if (!redis) process.stdout.write('graphql-subscriptions two-instance test skipped: needs REDIS_URL\n');

(redis ? describe : describe.skip)('GraphQL subscriptions across instances (Redis pub/sub)', () => {
  it('when a transfer goes through instance A, then a subscriber on instance B hears it', async () => {
    const a = await startTestApp();
    // B shares A's database and Redis: the same deployment, two processes.
    const shared = await startTestApp({}, { db: a.container.db });
    const httpB = await listenWithSubscriptions(shared);
    try {
      await (shared.container.fanout as RedisEventFanout).whenSubscribed();
      const alice = await registerUser(a);
      const bob = await registerUser(a);
      const from = (await createWallet(a, alice)).id;
      const to = (await createWallet(a, bob)).id;
      await fund(a, from, 100);
      const client = wsClient(httpB.wsUrl, bob.accessToken);
      const heard = collect(client, TRANSFERS, { w: to });
      await sleep(SUBSCRIBED_MS);
      const posted = await transfer(a, alice, { fromWalletId: from, toWalletId: to, amount: '7' }, randomUUID());
      expect(posted.status).toBe(201);
      const { results } = await heard.done;
      expect(results[0].data.transferEvents).toMatchObject({ transferId: posted.body.transfer.id, amount: '7', toWalletId: to });
      // And a query through B reads what A wrote.
      expect(
        (await gql(httpB.baseUrl, bob.accessToken, '{ wallets { edges { node { balance } } } }')).body.data!.wallets.edges[0].node.balance,
      ).toBe('7');
      await client.dispose();
    } finally {
      await httpB.close();
      // What the second container started, leaving the shared database open for a.close().
      await shared.container.funding.autoTopUp.idle();
      await shared.container.services.admin.stop();
      await shared.container.webhooks.worker.stop();
      await shared.container.webhooks.retention.stop();
      await shared.container.web3.close();
      await shared.container.graphqlSubscriptions.close();
      await shared.container.fanout.close();
      await shared.container.cache.close();
      await a.close();
    }
  });
});
