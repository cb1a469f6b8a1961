import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { createContainer, type Container } from '../../../src/container';
import { createLogger } from '../../../src/infra/logger';
import type * as PostgresAdapter from '../../../src/infra/db/postgres';
import type * as RedisAdapter from '../../../src/infra/cache/redis-cache';
import { registerAgent } from '../../support/agents';
import { balanceOf, createWallet, fund, ledgerInvariants } from '../../support/ledger';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

// Two OCP instances need a database and a cache both can reach: PostgreSQL and Redis only.
const onServers = process.env.DATABASE_URL && process.env.REDIS_URL ? describe : describe.skip;

/* eslint-disable @typescript-eslint/no-require-imports -- pg and ioredis load only on the PostgreSQL + Redis pass, as in test-app.ts */
const postgres = () => require('../../../src/infra/db/postgres') as typeof PostgresAdapter;
const redis = () => require('../../../src/infra/cache/redis-cache') as typeof RedisAdapter;
/* eslint-enable @typescript-eslint/no-require-imports */

interface TwoInstances {
  first: TestApp;
  /** Alternates between the instances, as a round-robin load balancer would. */
  instances: Array<() => ReturnType<typeof request>>;
  close: () => Promise<void>;
}

/** Two containers with the same configuration (so the same token keys), each with its own pool and Redis connection. */
async function startTwoInstances(env: Record<string, string> = {}): Promise<TwoInstances> {
  const prefix = `ocp-test:${randomBytes(6).toString('hex')}:`;
  const cache = () => new (redis().RedisCache)(process.env.REDIS_URL!, prefix, { commandTimeoutMs: 10_000 });
  const first = await startTestApp(env, { cache: cache() });
  const { rows } = await first.container.db.query<{ schema: string }>('SELECT current_schema() AS schema');
  const second: Container = await createContainer(first.config, {
    db: new (postgres().PostgresDatabase)({ connectionString: process.env.DATABASE_URL!, poolMax: 10, schema: rows[0]!.schema }),
    cache: cache(),
    logger: createLogger('error'),
  });
  return {
    first,
    instances: [first.http, () => request(second.app)],
    close: async () => {
      await second.services.admin.stop();
      await second.holdExpiry.stop();
      await second.webhooks.worker.stop();
      await second.webhooks.retention.stop();
      await second.web3.close();
      await second.graphqlSubscriptions.close();
      await second.fanout.close();
      await second.cache.close();
      await second.db.close();
      await first.close();
    },
  };
}

onServers('two API instances on one PostgreSQL and one Redis', () => {
  let pair: TwoInstances;
  let first: TestApp;
  let instances: TwoInstances['instances'];

  beforeAll(async () => {
    pair = await startTwoInstances();
    ({ first, instances } = pair);
  });
  afterAll(() => pair.close());

  it('when 80 transfers between four wallets go through both instances at once, then every one posts and no money is made or lost', async () => {
    const user = await registerUser(first);
    const wallets: string[] = [];
    for (let i = 0; i < 4; i++) {
      const wallet = await createWallet(first, user);
      await fund(first, wallet.id, 1_000);
      wallets.push(wallet.id);
    }
    const responses = await Promise.all(
      Array.from({ length: 80 }, (_, i) =>
        instances[i % 2]!()
          .post('/api/v1/wallet/transfer')
          .set(user.auth)
          .set('Idempotency-Key', randomUUID())
          .send({ fromWalletId: wallets[i % 4], toWalletId: wallets[(i + 1 + (i % 3)) % 4], amount: '7' }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(80).fill(201));
    const balances = await Promise.all(wallets.map((id) => balanceOf(first, id)));
    expect(balances.reduce((a, b) => a + BigInt(b), 0n)).toBe(4_000n);
    expect(await ledgerInvariants(first)).toEqual({
      totalBalance: 0n,
      unbalancedTransfers: 0,
      negativeUserWallets: 0,
      walletsWhoseBalanceDisagreesWithEntries: 0,
    });
  });

  it('when the same request under one key reaches both instances at once, then one transfer is made and both learn of it', async () => {
    const user = await registerUser(first);
    const [from, to] = [(await createWallet(first, user)).id, (await createWallet(first, user)).id];
    await fund(first, from, 1_000);
    const keys = Array.from({ length: 10 }, () => randomUUID());
    const send = (instance: number, key: string) =>
      instances[instance]!()
        .post('/api/v1/wallet/transfer')
        .set(user.auth)
        .set('Idempotency-Key', key)
        .send({ fromWalletId: from, toWalletId: to, amount: '10' });
    const raced = await Promise.all(keys.flatMap((key) => [send(0, key), send(1, key)]));
    // The loser of each race sees the winner's lease (409 in flight) or, when later, its stored reply.
    for (const r of raced) expect(r.status === 201 || (r.status === 409 && r.body.error.code === 'idempotency_in_flight')).toBe(true);

    // Retried afterwards on either instance, every key answers with its one transfer.
    for (const key of keys) {
      const [a, b] = [await send(0, key), await send(1, key)];
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(b.body.id).toBe(a.body.id);
    }
    const { rows } = await first.container.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM transfers WHERE from_wallet_id = $1 AND type = $2',
      [from, 'transfer'],
    );
    expect(rows[0]!.n).toBe(10);
    expect(await balanceOf(first, from)).toBe(900n);
    expect(await balanceOf(first, to)).toBe(100n);
    expect((await ledgerInvariants(first)).walletsWhoseBalanceDisagreesWithEntries).toBe(0);
  });

  it('when an agent pays from both instances at once under a daily budget of 1000, then together they spend no more than it', async () => {
    const payer = await registerAgent(first, { funds: 10_000, policy: { dailyBudget: '1000' } });
    const payee = await registerAgent(first);
    const responses = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        instances[i % 2]!()
          .post('/api/v1/a2a/transfers')
          .set(payer.auth)
          .set('Idempotency-Key', randomUUID())
          .send({ to: { agentId: payee.id }, amount: '30', currency: 'USD' }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(33);
    expect(responses.filter((r) => r.status !== 201).every((r) => r.status === 403 && r.body.error.details.rule === 'daily_budget')).toBe(
      true,
    );
    // Both instances took part in what was allowed.
    expect(responses.filter((r, i) => r.status === 201 && i % 2 === 0).length).toBeGreaterThan(0);
    expect(responses.filter((r, i) => r.status === 201 && i % 2 === 1).length).toBeGreaterThan(0);
    expect(await balanceOf(first, payer.walletId)).toBe(10_000n - 990n);
    expect(await balanceOf(first, payee.walletId)).toBe(990n);
    expect(await ledgerInvariants(first)).toMatchObject({
      totalBalance: 0n,
      unbalancedTransfers: 0,
      walletsWhoseBalanceDisagreesWithEntries: 0,
    });
  });
});

onServers('rate limits across two API instances', () => {
  let pair: TwoInstances;
  beforeAll(async () => {
    pair = await startTwoInstances({ RATE_LIMIT_USER_MAX: '10', RATE_LIMIT_WINDOW_MS: '60000' });
  });
  afterAll(() => pair.close());

  it('when a user sends 16 requests at once through both instances with a limit of 10, then exactly 10 are served', async () => {
    const user = await registerUser(pair.first);
    const responses = await Promise.all(
      Array.from({ length: 16 }, (_, i) => pair.instances[i % 2]!().get('/api/v1/wallets').set(user.auth)),
    );
    const statuses = responses.map((r) => r.status).sort();
    // Each instance counting alone would have served all 8 of its own.
    expect(statuses).toEqual([...Array(10).fill(200), ...Array(6).fill(429)]);
  });
});
