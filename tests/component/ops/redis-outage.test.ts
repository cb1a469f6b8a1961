import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import Redis from 'ioredis';
import { loadConfig } from '../../../src/config/config';
import { openCache } from '../../../src/infra/cache/fallback-cache';
import { createLogger } from '../../../src/infra/logger';
import { createWallet, fund, transfer, type TestUser } from '../../support/ledger';
import { CapturedLogs, registerUser, startTestApp, type TestApp } from '../../support/test-app';

/**
 * A Redis of this file's own on port 6391, killed for the outage and started again for the
 * recovery. The shared Redis (6379) is never touched. Skipped where redis-server is not installed.
 */
const PORT = 6391;
const REDIS_URL = `redis://127.0.0.1:${PORT}`;
const USER_MAX = 40;
const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
const describeWithRedis = hasRedisServer ? describe : describe.skip;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function startRedis(): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(PORT), '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${output}`)), 10_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}): ${output}`));
    });
  });
}

function stopRedis(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

async function timed<T>(run: () => PromiseLike<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await run();
  return { result, ms: Date.now() - started };
}

describeWithRedis('Redis outage', () => {
  let redisServer: ChildProcess | undefined;
  let t: TestApp;
  let logs: CapturedLogs;
  let alice: TestUser;
  let from: { id: string };
  let to: { id: string };

  const metric = async () => {
    const text = (await t.http().get('/metrics')).text;
    return /^ocp_cache_degraded (\d+)$/m.exec(text)?.[1];
  };
  const readWallet = () => t.http().get(`/api/v1/wallets/${from.id}`).set(alice.auth);
  const logged = (message: string) => logs.entries.filter((e) => String(e.message).startsWith(message)).length;

  beforeAll(async () => {
    redisServer = await startRedis();
    const env = { REDIS_URL, RATE_LIMIT_USER_MAX: String(USER_MAX), REDIS_PROBE_INTERVAL_MS: '200' };
    logs = new CapturedLogs();
    const logger = createLogger('debug', [logs]);
    t = await startTestApp(env, { cache: openCache(loadConfig(env), logger), logger });
    alice = await registerUser(t);
    const bob = await registerUser(t);
    from = await createWallet(t, alice);
    to = await createWallet(t, bob);
    await fund(t, from.id, 1_000);
  });

  afterAll(async () => {
    await t?.close();
    await stopRedis(redisServer);
  });

  it('when Redis dies, then requests answer within 1 s on the in-process cache, rate limits hold per instance, /ready and ocp_cache_degraded say degraded; when it returns, Redis is used again', async () => {
    expect((await t.http().get('/ready')).body).toEqual({ status: 'ready', checks: { database: 'ok', cache: 'ok' } });
    expect(await metric()).toBe('0');

    await stopRedis(redisServer);
    redisServer = undefined;

    // Authenticated requests: quick answers, not a 10-45 s stall in the offline queue.
    const read = await timed(() => readWallet());
    expect(read.result.status).toBe(200);
    expect(read.ms).toBeLessThan(1_000);
    const moved = await timed(() => transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: '1' }));
    expect(moved.result.status).toBe(201);
    expect(moved.ms).toBeLessThan(1_000);

    const ready = await timed(() => t.http().get('/ready'));
    expect(ready.result.status).toBe(200);
    expect(ready.result.body).toEqual({ status: 'degraded', checks: { database: 'ok', cache: 'degraded' } });
    expect(ready.ms).toBeLessThan(1_000);
    expect(await metric()).toBe('1');

    // The per-user limit still applies, counted in this process.
    const statuses: number[] = [];
    for (let i = 0; i < USER_MAX + 5 && !statuses.includes(429); i += 1) {
      const { result, ms } = await timed(() => readWallet());
      expect(ms).toBeLessThan(1_000);
      statuses.push(result.status);
    }
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    expect(logged('cache degraded')).toBe(1);

    // Redis comes back (empty: no persistence): the app switches back without a restart.
    redisServer = await startRedis();
    for (let i = 0; i < 50 && (await metric()) !== '0'; i += 1) await sleep(100);
    expect(await metric()).toBe('0');
    expect((await t.http().get('/ready')).body).toEqual({ status: 'ready', checks: { database: 'ok', cache: 'ok' } });
    expect(logged('cache restored')).toBe(1);

    // Alice's in-process 429 is gone with the fallback; her count now lives in Redis again.
    const after = await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: '1' });
    expect(after.status).toBe(201);
    const probe = new Redis(REDIS_URL, { lazyConnect: true });
    try {
      await probe.connect();
      expect(Number(await probe.get(`ocp:rl:ten_default:user:${alice.id}`))).toBeGreaterThan(0);
    } finally {
      probe.disconnect();
    }
  }, 60_000);
});
