import { randomBytes } from 'node:crypto';
import request from 'supertest';
import Transport from 'winston-transport';
import { loadConfig, type Config } from '../../src/config/config';
import { createContainer, type Container, type ContainerOverrides } from '../../src/container';
import type { Cache } from '../../src/infra/cache/cache';
import { MemoryCache } from '../../src/infra/cache/memory-cache';
import type { Database } from '../../src/infra/db/database';
import { PgliteDatabase } from '../../src/infra/db/pglite';
import { createLogger } from '../../src/infra/logger';
import type * as Pg from 'pg';
import type * as RedisAdapter from '../../src/infra/cache/redis-cache';
import type * as PostgresAdapter from '../../src/infra/db/postgres';
import { pgliteSnapshot, TEST_PGLITE_SETTINGS } from './pglite-snapshot';

// pg and ioredis load only on the PostgreSQL + Redis pass, as in the app: the embedded pass never needs them.
/* eslint-disable @typescript-eslint/no-require-imports */
const pg = () => require('pg') as typeof Pg;
const postgresAdapter = () => require('../../src/infra/db/postgres') as typeof PostgresAdapter;
const redisAdapter = () => require('../../src/infra/cache/redis-cache') as typeof RedisAdapter;
/* eslint-enable @typescript-eslint/no-require-imports */

/** Keeps every log entry in memory so tests can assert on what was (and was not) logged. */
export class CapturedLogs extends Transport {
  readonly entries: Record<string, unknown>[] = [];
  override log(info: Record<string, unknown>, next: () => void): void {
    this.entries.push(info);
    next();
  }
  text(): string {
    return this.entries.map((e) => JSON.stringify(e)).join('\n');
  }
}

export const TEST_ADMIN = { email: 'admin@ocp.test', password: 'admin-password-123' };

/** Limits high enough that ordinary tests never meet them; rate-limit tests set their own. */
const TEST_ENV = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'debug',
  RATE_LIMIT_GLOBAL_MAX: '100000',
  RATE_LIMIT_USER_MAX: '100000',
  RATE_LIMIT_PAYMENT_MAX: '100000',
  // Tests fund wallets with adjustments; the four-eyes tests set their own limits.
  ADJUSTMENT_FOUR_EYES_THRESHOLD_MINOR: '9223372036854775807',
  ADJUSTMENT_FOUR_EYES_DAILY_LIMIT_MINOR: '9223372036854775807',
  ADMIN_EMAIL: TEST_ADMIN.email,
  ADMIN_PASSWORD: TEST_ADMIN.password,
  // The cheapest scrypt cost: at the default a hash is ~150 ms of CPU, and the suite hashes hundreds of
  // passwords. tests/unit/passwords.test.ts checks the default cost itself.
  PASSWORD_SCRYPT_COST_LOG2: '10',
  // Tests drive the webhook worker with runOnce(); a background loop would race their assertions.
  WEBHOOK_WORKER_INTERVAL_MS: '0',
  // Tests call the monitoring sweep themselves, for the same reason.
  MONITOR_SWEEP_INTERVAL_MS: '0',
  // And the card refund worker (refunds are still attempted right after their commit).
  CARD_REFUND_WORKER_INTERVAL_MS: '0',
  // And the card charge sweeper.
  CARD_CHARGE_SWEEP_INTERVAL_MS: '0',
  // And the payout workers (payouts are still sent right after their commit).
  PAYOUT_WORKER_INTERVAL_MS: '0',
  // And the hold expiry (tests/component/ledger/holds-expiry.test.ts runs it).
  HOLD_EXPIRY_INTERVAL_MS: '0',
  // Every movement is still scored and its score stored, but no decision follows: random property
  // amounts and brand-new accounts draining themselves look like fraud. tests/component/risk sets them.
  RISK_REVIEW_THRESHOLD: '1.01',
  RISK_BLOCK_THRESHOLD: '1.01',
  // Each app with them would sample the event loop every 10 ms until the worker exits, and keep
  // itself in memory: a hundred files in, the workers spent most of their time on it.
  // tests/component/ops/get-metrics.test.ts turns them on.
  METRICS_PROCESS_ENABLED: 'false',
};

/**
 * A database of its own for one test file: a fresh schema on the PostgreSQL server when
 * DATABASE_URL is set (refusing any database whose name does not say "test"), else in-memory PGlite
 * started from a snapshot (see pglite-snapshot.ts). `empty`: no tables at all, for
 * the tests of migrate() itself (a new schema on PostgreSQL is empty either way).
 */
export async function openTestDatabase({ empty = false } = {}): Promise<{ db: Database; drop: () => Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const db = await PgliteDatabase.open(undefined, await pgliteSnapshot(empty ? 'empty' : 'migrated'), TEST_PGLITE_SETTINGS);
    return { db, drop: () => db.close() };
  }
  const databaseName = new URL(url).pathname.slice(1);
  if (!/test/i.test(databaseName)) throw new Error(`Refusing to run tests on database "${databaseName}"`);
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new (pg().Client)({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  // Each connection keeps its tenant scope for its session (DATABASE_SESSION_SCOPE), the riskier of
  // the two forms: every test on PostgreSQL runs through it. The per-transaction form is what
  // pgbouncer gets (ops/pgbouncer.test.ts, tenant/session-scope.test.ts).
  const db = new (postgresAdapter().PostgresDatabase)({ connectionString: url, poolMax: 10, schema, sessionScope: true });
  return {
    db,
    drop: async () => {
      await db.close();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}

export function openTestCache(): Cache {
  const url = process.env.REDIS_URL;
  // Without the FallbackCache a production app has, a command that times out is a 500: a loaded test
  // machine starved one past the production 500 ms. Outages are tested with their own Redis
  // (ops/redis-outage.test.ts), behind the FallbackCache.
  return url
    ? new (redisAdapter().RedisCache)(url, `ocp-test:${randomBytes(6).toString('hex')}:`, { commandTimeoutMs: 10_000 })
    : new MemoryCache();
}

export interface TestApp {
  container: Container;
  app: Container['app'];
  config: Config;
  logs: CapturedLogs;
  http: () => ReturnType<typeof request>;
  close: () => Promise<void>;
}

export async function startTestApp(env: Record<string, string> = {}, overrides: ContainerOverrides = {}): Promise<TestApp> {
  // A test of production settings gets production's scrypt cost: the cheap one is refused there.
  const { PASSWORD_SCRYPT_COST_LOG2: _cheap, ...productionTestEnv } = TEST_ENV;
  const config = loadConfig({
    ...(env.NODE_ENV === 'production' ? productionTestEnv : TEST_ENV),
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    ...env,
  });
  const logs = new CapturedLogs();
  const { db, drop } = await openTestDatabase();
  const container = await createContainer(config, {
    db,
    logger: createLogger(config.LOG_LEVEL, [logs]),
    ...overrides,
    // Only when none is given: an unused one would keep a Redis connection open.
    cache: overrides.cache ?? openTestCache(),
  });
  return {
    container,
    app: container.app,
    config,
    logs,
    http: () => request(container.app),
    close: async () => {
      await container.funding.autoTopUp.idle();
      await container.services.admin.stop();
      await container.holdExpiry.stop();
      await container.webhooks.worker.stop();
      await container.webhooks.retention.stop();
      await container.web3.close();
      await container.graphqlSubscriptions.close();
      await container.fanout.close();
      await container.cache.close();
      await drop();
    },
  };
}

let emailCounter = 0;

export function uniqueEmail(prefix = 'user'): string {
  emailCounter += 1;
  return `${prefix}-${emailCounter}-${randomBytes(4).toString('hex')}@example.com`;
}

/** Registers a fresh user and returns its id and tokens. */
export async function registerUser(t: TestApp, email = uniqueEmail()) {
  const res = await t.http().post('/api/v1/auth/register').send({ email, password: 'correct-horse-battery' });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    id: res.body.user.id as string,
    email,
    accessToken: res.body.accessToken as string,
    refreshToken: res.body.refreshToken as string,
    auth: { Authorization: `Bearer ${res.body.accessToken}` },
  };
}

export async function loginAdmin(t: TestApp) {
  const res = await t.http().post('/api/v1/auth/login').send(TEST_ADMIN);
  if (res.status !== 200) throw new Error(`admin login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { accessToken: res.body.accessToken as string, auth: { Authorization: `Bearer ${res.body.accessToken}` } };
}
