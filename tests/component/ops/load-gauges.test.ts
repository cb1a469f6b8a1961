import { randomUUID } from 'node:crypto';
import { createWallet, fund, transfer } from '../../support/ledger';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

/** The value of an unlabelled gauge, as Prometheus would scrape it. */
async function gauge(t: TestApp, name: string): Promise<number> {
  const text = await t.container.metrics.registry.getSingleMetricAsString(name);
  const value = new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1];
  if (value === undefined) throw new Error(`no sample of ${name} in:\n${text}`);
  return Number(value);
}

const onPostgres = process.env.DATABASE_URL ? it : it.skip;

// What bench:soak watches for leaks: both rise with load and must come back to 0 once it stops.
describe('the load gauges on /metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  // PostgreSQL only: on PGlite's one connection the requests wait for it before they reach the queue.
  onPostgres(
    'when postings wait behind a locked wallet, then ocp_posting_queue_waiting counts them, and reads 0 once they are done',
    async () => {
      const user = await registerUser(t);
      const [from, to] = [(await createWallet(t, user)).id, (await createWallet(t, user)).id];
      await fund(t, from, 1_000);
      let burst: Promise<Array<{ status: number }>> | undefined;
      // The source row stays locked until postings queue up behind the groups stuck on it.
      const most = await t.container.db.transaction(async (tx) => {
        await tx.query('SELECT id FROM wallets WHERE id = $1 FOR UPDATE', [from]);
        burst = Promise.all(Array.from({ length: 40 }, () => transfer(t, user, { fromWalletId: from, toWalletId: to, amount: '1' })));
        for (let waitedMs = 0; waitedMs < 10_000; waitedMs += 20) {
          const waiting = await gauge(t, 'ocp_posting_queue_waiting');
          if (waiting > 0) return waiting;
          await new Promise((r) => setTimeout(r, 20));
        }
        return 0;
      });
      expect((await burst!).map((r) => r.status)).toEqual(Array(40).fill(201));
      expect(most).toBeGreaterThan(0);
      expect(await gauge(t, 'ocp_posting_queue_waiting')).toBe(0);
    },
  );

  it('when a request holds an idempotency lease, then ocp_idempotency_leases counts it until it is released', async () => {
    const idempotency = t.container.services.idempotency;
    expect(await gauge(t, 'ocp_idempotency_leases')).toBe(0);
    const claim = await idempotency.claim('gauge-test', randomUUID(), 'hash');
    expect(await gauge(t, 'ocp_idempotency_leases')).toBe(1);
    await idempotency.release(claim);
    expect(await gauge(t, 'ocp_idempotency_leases')).toBe(0);
  });
});
