import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadConfig } from '../../../src/config/config';
import { createContainer, type Container } from '../../../src/container';
import { MemoryCache } from '../../../src/infra/cache/memory-cache';
import { createLogger } from '../../../src/infra/logger';
import { SqlLedgerVerifier } from '../../../src/modules/ledger/adapters/sql-ledger-verifier';
import { backdate, captureHold, createHold, fundsOf, payerAndPayee, voidHold } from '../../support/holds';
import type * as PostgresAdapter from '../../../src/infra/db/postgres';
import { fund } from '../../support/ledger';
import { startTestApp, type TestApp } from '../../support/test-app';

const ROOT = join(__dirname, '../../..');
const onPostgres = process.env.DATABASE_URL ? it : it.skip;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('holds: expiry', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const expireOverdue = () => t.container.services.holds.expireOverdue(100);

  async function brokenChecks() {
    const report = await new SqlLedgerVerifier(t.container.db).verify();
    return report.checks.filter((c) => c.violations > 0).map((c) => c.name);
  }

  /** The payer's webhook endpoint for hold.expired, to count what the outbox announced. */
  async function expiryEndpoint(auth: Record<string, string>) {
    const res = await t
      .http()
      .post('/api/v1/webhooks')
      .set(auth)
      .send({ url: 'http://localhost:9/hooks', events: ['hold.expired'] });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  async function expiryEventsPerHold(endpointId: string): Promise<Map<string, number>> {
    const { rows } = await t.container.db.query<{ hold_id: string; n: number }>(
      `SELECT payload->>'holdId' AS hold_id, count(*)::int AS n FROM webhook_deliveries
        WHERE endpoint_id = $1 AND event_type = 'hold.expired' GROUP BY 1`,
      [endpointId],
    );
    return new Map(rows.map((r) => [r.hold_id, r.n]));
  }

  it('when a hold reaches its expiresAt, then the worker releases it once and tells the owners', async () => {
    const { payer, from, to } = await payerAndPayee(t);
    const endpoint = await expiryEndpoint(payer.auth);
    const expiresAt = new Date(Date.now() + 1_500).toISOString();
    const hold = (await createHold(t, payer.auth, { fromWalletId: from.id, toWalletId: to.id, amount: '600', expiresAt })).body;
    expect(hold.expiresAt).toBe(expiresAt);

    await expireOverdue();
    expect((await t.http().get(`/api/v1/holds/${hold.id}`).set(payer.auth)).body.status).toBe('pending');
    await sleep(Date.parse(expiresAt) - Date.now() + 50);

    expect(await expireOverdue()).toBe(false);
    const read = await t.http().get(`/api/v1/holds/${hold.id}`).set(payer.auth);
    expect(read.body).toMatchObject({ status: 'expired', capturedAmount: '0', captureTransferId: null });
    expect(Date.parse(read.body.settledAt)).toBeGreaterThanOrEqual(Date.parse(expiresAt));
    expect(await fundsOf(t, payer.auth, from.id)).toEqual({ balance: 10_000n, available: 10_000n, held: 0n });

    await expireOverdue();
    expect(await expiryEventsPerHold(endpoint)).toEqual(new Map([[hold.id, 1]]));
    expect(await brokenChecks()).toEqual([]);
  });

  it('when a hold past its expiresAt is captured or voided before the worker came, then 409 says expired and it is released once', async () => {
    const { payer, payee, from, to } = await payerAndPayee(t);
    const endpoint = await expiryEndpoint(payer.auth);
    const body = { fromWalletId: from.id, toWalletId: to.id, amount: '400' };
    const first = (await createHold(t, payer.auth, body)).body;
    const second = (await createHold(t, payer.auth, body)).body;
    await backdate(t, [first.id, second.id]);

    const capture = await captureHold(t, payee.auth, first.id);
    expect(capture.status).toBe(409);
    expect(capture.body.error).toMatchObject({ code: 'hold_not_pending', details: { status: 'expired' } });
    const voided = await voidHold(t, payer.auth, second.id);
    expect(voided.body.error).toMatchObject({ code: 'hold_not_pending', details: { status: 'expired' } });
    expect(await fundsOf(t, payer.auth, from.id)).toEqual({ balance: 10_000n, available: 10_000n, held: 0n });
    expect(await fundsOf(t, payee.auth, to.id)).toEqual({ balance: 0n, available: 0n, held: 0n });

    await expireOverdue();
    expect(await expiryEventsPerHold(endpoint)).toEqual(
      new Map([
        [first.id, 1],
        [second.id, 1],
      ]),
    );
  });

  it('when HOLD_EXPIRY_INTERVAL_MS is set, then the background loop of the app expires holds by itself', async () => {
    const app = await startTestApp({ HOLD_EXPIRY_INTERVAL_MS: '100' });
    try {
      const { payer, from, to } = await payerAndPayee(app);
      const expiresAt = new Date(Date.now() + 1_000).toISOString();
      const hold = (await createHold(app, payer.auth, { fromWalletId: from.id, toWalletId: to.id, amount: '1', expiresAt })).body;
      let status = 'pending';
      for (let i = 0; i < 100 && status === 'pending'; i++) {
        await sleep(100);
        status = (await app.http().get(`/api/v1/holds/${hold.id}`).set(payer.auth)).body.status;
      }
      expect(status).toBe('expired');
      expect((await fundsOf(app, payer.auth, from.id)).held).toBe(0n);
    } finally {
      await app.close();
    }
  });

  /** `count` pending holds of 1 from each of the payers' wallets, written straight to the table so there are enough for many batches. */
  async function seedHolds(payerWallets: readonly string[], toWallet: string, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (const wallet of payerWallets) {
      const { rows } = await t.container.db.query<{ id: string }>(
        `WITH seeded AS (
           INSERT INTO holds (id, status, amount, currency, from_wallet_id, to_wallet_id, created_by, expires_at)
           SELECT 'hld_seed_' || $3 || '_' || g, 'pending', 1, 'USD', $1, $2, 'test', now() + interval '1 day'
             FROM generate_series(1, $4::int) AS g RETURNING id),
         reserved AS (UPDATE wallets SET held = held + $4::int WHERE id = $1)
         SELECT id FROM seeded`,
        [wallet, toWallet, randomUUID().slice(0, 8), count],
      );
      ids.push(...rows.map((r) => r.id));
    }
    return ids;
  }

  async function pendingCount(ids: readonly string[]): Promise<number> {
    const { rows } = await t.container.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM holds WHERE id = ANY($1::text[]) AND status = 'pending'",
      [ids],
    );
    return rows[0]!.n;
  }

  async function expectExpiredOnce(ids: readonly string[], endpointId: string, perWorker: readonly string[][]) {
    const all = perWorker.flat();
    expect(all.length).toBe(ids.length); // no hold was expired by two workers
    expect(new Set(all)).toEqual(new Set(ids));
    const events = await expiryEventsPerHold(endpointId);
    expect(ids.filter((id) => events.get(id) !== 1)).toEqual([]);
    expect(await pendingCount(ids)).toBe(0);
    expect(await brokenChecks()).toEqual([]);
  }

  async function payersWithHolds(payers: number, holdsEach: number) {
    const { payer, from, to } = await payerAndPayee(t);
    const endpoint = await expiryEndpoint(payer.auth);
    const wallets = [from.id];
    for (let i = 1; i < payers; i++) {
      const more = await t.http().post('/api/v1/wallets').set(payer.auth).send({ currency: 'USD' });
      wallets.push(more.body.id as string);
    }
    for (const wallet of wallets.slice(1)) await fund(t, wallet, holdsEach);
    const ids = await seedHolds(wallets, to.id, holdsEach);
    return { ids, endpoint, wallets };
  }

  onPostgres(
    'when two app instances on their own pools expire the same 600 due holds at once, then each hold expires exactly once',
    async () => {
      const { ids, endpoint } = await payersWithHolds(3, 200);
      const { rows } = await t.container.db.query<{ schema: string }>('SELECT current_schema() AS schema');
      const second = await secondInstance(rows[0]!.schema);
      try {
        await backdate(t, ids);
        const seen = [new Set<string>(), new Set<string>()];
        const workers = [t.container, second].map((c, i) => {
          // Each hold.expired goes to the payer and to the payee: count holds, not events.
          c.events.subscribe('hold.expired', (event) => void seen[i]!.add(String(event.data.holdId)));
          // Small batches, back to back, so the two interleave many times.
          return (async () => {
            while (await c.services.holds.expireOverdue(25));
          })();
        });
        await Promise.all(workers);
        expect(seen[0]!.size).toBeGreaterThan(0);
        expect(seen[1]!.size).toBeGreaterThan(0);
        await expectExpiredOnce(
          ids,
          endpoint,
          seen.map((ids) => [...ids]),
        );
      } finally {
        await second.close();
      }
    },
  );

  onPostgres(
    'when two worker processes run the expiry loop on the same database, then each of 1,000 holds expires exactly once',
    async () => {
      const { ids, endpoint } = await payersWithHolds(4, 250);
      const { rows } = await t.container.db.query<{ schema: string }>('SELECT current_schema() AS schema');
      const workers = [workerProcess(rows[0]!.schema), workerProcess(rows[0]!.schema)];
      try {
        await Promise.all(workers.map((w) => w.ready));
        await backdate(t, ids);
        for (let i = 0; i < 600 && (await pendingCount(ids)) > 0; i++) await sleep(100);
        const perWorker = await Promise.all(workers.map((w) => w.stop()));
        // Both processes took part: the holds were due only once both were running.
        expect(perWorker.map((expired) => expired.length > 0)).toEqual([true, true]);
        await expectExpiredOnce(ids, endpoint, perWorker);
      } finally {
        for (const w of workers) w.kill();
      }
    },
    180_000,
  );

  /** Another container on the same schema with its own connection pool, as a second instance would have. */
  async function secondInstance(schema: string): Promise<Container> {
    // pg loads only on the PostgreSQL pass, as in test-app.ts.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PostgresDatabase } = require('../../../src/infra/db/postgres') as typeof PostgresAdapter;
    const db = new PostgresDatabase({ connectionString: process.env.DATABASE_URL!, poolMax: 4, schema });
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: process.env.DATABASE_URL!, ...QUIET });
    return createContainer(config, { db, cache: new MemoryCache(), logger: createLogger('error') });
  }
});

const QUIET = {
  HOLD_EXPIRY_INTERVAL_MS: '0',
  WEBHOOK_WORKER_INTERVAL_MS: '0',
  MONITOR_SWEEP_INTERVAL_MS: '0',
  CARD_REFUND_WORKER_INTERVAL_MS: '0',
  CARD_CHARGE_SWEEP_INTERVAL_MS: '0',
  METRICS_PROCESS_ENABLED: 'false',
};

/** tests/support/hold-expiry-worker.ts in its own Node process. */
function workerProcess(schema: string) {
  const child = spawn(process.execPath, ['--liftoff-only', '--import', 'tsx', join(ROOT, 'tests/support/hold-expiry-worker.ts'), schema], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: process.env.DATABASE_URL },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const messages: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    messages.push(JSON.parse(line) as Record<string, unknown>);
    waiters.splice(0).forEach((wake) => wake());
  });
  const message = (key: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const check = () => {
        const found = messages.find((m) => key in m);
        if (found) return resolve(found);
        if (child.exitCode !== null) return reject(new Error(`hold expiry worker exited with ${child.exitCode}`));
        waiters.push(check);
      };
      child.once('exit', check);
      check();
    });
  return {
    ready: message('ready'),
    stop: async () => {
      child.stdin.write('stop\n');
      return (await message('expired')).expired as string[];
    },
    kill: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
