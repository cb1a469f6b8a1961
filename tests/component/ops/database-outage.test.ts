import { Client } from 'pg';
import { PostgresDatabase } from '../../../src/infra/db/postgres';
import { createWallet, fund, ledgerInvariants, transfer, type TestUser } from '../../support/ledger';
import { createScratchDatabase, type ScratchDatabase } from '../../support/scratch-database';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

const FUNDED = 1_000_000;
const WORKERS = 4;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Chaos on a real PostgreSQL: the server's connections are terminated mid-load and new ones are
 * refused for a while. Only this file's own scratch database is touched (its name is unique), so
 * other tests and engineers on the shared server never lose a connection.
 */
const describeOnPostgres = process.env.DATABASE_URL ? describe : describe.skip;

describeOnPostgres('PostgreSQL outage', () => {
  let scratch: ScratchDatabase;
  let databaseName: string;
  let admin: Client;
  let t: TestApp;
  let alice: TestUser;
  let from: { id: string };
  let to: { id: string };

  beforeAll(async () => {
    scratch = await createScratchDatabase('outage');
    const url = (scratch.env as { DATABASE_URL: string }).DATABASE_URL;
    databaseName = new URL(url).pathname.slice(1);
    admin = new Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    const db = new PostgresDatabase({ connectionString: url, poolMax: 8, connectTimeoutMs: 1_000 });
    t = await startTestApp({}, { db });
    alice = await registerUser(t);
    const bob = await registerUser(t);
    from = await createWallet(t, alice);
    to = await createWallet(t, bob);
    await fund(t, from.id, FUNDED);
  });

  afterAll(async () => {
    await admin.query(`ALTER DATABASE ${databaseName} ALLOW_CONNECTIONS true`).catch(() => undefined);
    await t?.close();
    await t?.container.db.close();
    await admin?.end();
    await scratch?.drop();
  });

  /** Refuses new sessions to our database and ends the ones it has: a failover as the app sees it. */
  async function cutDatabase(): Promise<number> {
    await admin.query(`ALTER DATABASE ${databaseName} ALLOW_CONNECTIONS false`);
    const { rows } = await admin.query(
      'SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [databaseName],
    );
    return rows.length;
  }

  it('when its connections are terminated mid-load, then the process lives, answers 503 with Retry-After, and 201 once PostgreSQL is back; the ledger stays clean', async () => {
    const before = await ledgerInvariants(t);
    const statuses: number[] = [];
    let running = true;
    const load = Array.from({ length: WORKERS }, async () => {
      while (running) {
        const res = await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: '1' });
        statuses.push(res.status);
        if (res.status === 503) {
          expect(res.body.error.code).toBe('database_unavailable');
          expect(res.headers['retry-after']).toBe('1');
        }
      }
    });
    await sleep(300);
    expect(await cutDatabase()).toBeGreaterThan(0);

    // During the outage: a quick 503 (not a 500, not a stall), and /ready says so.
    await sleep(200);
    const started = Date.now();
    const during = await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: '1' });
    expect(during.status).toBe(503);
    expect(during.body.error.code).toBe('database_unavailable');
    expect(during.headers['retry-after']).toBe('1');
    expect(Date.now() - started).toBeLessThan(1_500);
    expect((await t.http().get('/ready')).status).toBe(503);

    await admin.query(`ALTER DATABASE ${databaseName} ALLOW_CONNECTIONS true`);
    running = false;
    await Promise.all(load);

    // The first request after PostgreSQL returns succeeds.
    const after = await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: '1' });
    expect(after.status).toBe(201);
    expect((await t.http().get('/ready')).status).toBe(200);

    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 201 || s === 503)).toBe(true);
    expect(statuses).toContain(503);
    expect(await ledgerInvariants(t)).toEqual({
      totalBalance: before.totalBalance,
      unbalancedTransfers: 0,
      negativeUserWallets: 0,
      walletsWhoseBalanceDisagreesWithEntries: 0,
    });
  }, 30_000);
});
