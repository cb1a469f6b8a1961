import { type DomainEvent, newEvent } from '../../../src/shared/events';
import { createMetrics } from '../../../src/infra/metrics';
import { createWebhookModule } from '../../../src/modules/webhook/webhook.module';
import { FakeHttpServer } from '../../support/fake-http-server';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { createWebhook, drainWebhooks } from '../../support/webhook-receiver';
import { ENVIRONMENT_ONLY } from '../../../src/shared/tenant-settings';

const TIMEOUT_MS = 300;
const OPEN_MS = 1000;

describe('webhook endpoint circuit breaker', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
      WEBHOOK_MAX_ATTEMPTS: '5',
      WEBHOOK_BACKOFF_BASE_MS: '1',
      WEBHOOK_BACKOFF_MAX_MS: '20',
      WEBHOOK_ENDPOINT_CONCURRENCY: '4',
      WEBHOOK_BREAKER_FAILURES: '2',
      WEBHOOK_BREAKER_OPEN_MS: String(OPEN_MS),
      WEBHOOK_BREAKER_OPEN_MAX_MS: String(OPEN_MS * 10),
    });
  });
  afterAll(() => t.close());

  const worker = () => t.container.webhooks.worker;
  const enqueue = (events: DomainEvent[]) => t.container.db.transaction((tx) => t.container.webhooks.outbox.enqueue(tx, events));
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  async function deliveriesTo(endpointId: string) {
    const { rows } = await t.container.db.query<{ event_id: string; status: string; attempts: number; next_attempt_at: Date }>(
      'SELECT event_id, status, attempts, next_attempt_at FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY created_at, id',
      [endpointId],
    );
    return rows;
  }
  async function breakerOf(endpointId: string) {
    const { rows } = await t.container.db.query<{ consecutive_failures: number; breaker_trips: number; breaker_open_until: Date | null }>(
      'SELECT consecutive_failures, breaker_trips, breaker_open_until FROM webhook_endpoints WHERE id = $1',
      [endpointId],
    );
    return rows[0]!;
  }
  const totalAttempts = async (endpointId: string) => (await deliveriesTo(endpointId)).reduce((sum, d) => sum + d.attempts, 0);
  async function untilPassed(moment: Date) {
    await pause(Math.max(0, moment.getTime() - Date.now()) + 20);
  }

  it('when an endpoint keeps failing, then its breaker opens, its deliveries wait without using attempts, a probe goes after the wait and success closes it', async () => {
    // Every request to the endpoint hangs past the timeout until the 4th: 2 failures open the
    // breaker, the first probe fails (it opens again, for longer), the second succeeds.
    const endpointServer = await new FakeHttpServer(() => ({ status: 200 })).start();
    endpointServer.inject('hang', 3);
    try {
      const user = await registerUser(t);
      const endpoint = await createWebhook(t, user.auth, `${endpointServer.url}/hooks`);
      const first = newEvent('balance.changed', user.id, { n: 0 });
      await enqueue([first]);

      expect(await worker().runOnce()).toEqual(expect.objectContaining({ claimed: 1, retried: 1 }));
      await pause(30);
      expect(await worker().runOnce()).toEqual(expect.objectContaining({ claimed: 1, retried: 1 }));

      // Open: nothing is claimed, not even deliveries enqueued after it opened, and no attempt is used.
      const later = [1, 2, 3].map((n) => newEvent('balance.changed', user.id, { n }));
      await enqueue(later);
      expect(await worker().runOnce()).toEqual(expect.objectContaining({ claimed: 0 }));
      expect(endpointServer.requests).toHaveLength(2);
      expect(await totalAttempts(endpoint.id)).toBe(2);
      const opened = await breakerOf(endpoint.id);
      expect(opened).toEqual(expect.objectContaining({ consecutive_failures: 2, breaker_trips: 1 }));
      expect(opened.breaker_open_until!.getTime()).toBeGreaterThan(Date.now());
      const [failedTwice] = await deliveriesTo(endpoint.id);
      expect(failedTwice).toEqual(expect.objectContaining({ status: 'pending', attempts: 2 }));
      // The delivery that failed was pushed to the end of the wait, not retried within it.
      expect(failedTwice!.next_attempt_at.getTime()).toBeGreaterThanOrEqual(opened.breaker_open_until!.getTime());

      const openedLog = t.logs.entries.find((e) => e.message === 'webhook endpoint breaker opened' && e.endpointId === endpoint.id);
      expect(openedLog).toEqual(expect.objectContaining({ level: 'warn', trips: 1 }));
      expect(t.logs.text()).not.toContain(endpoint.secret);
      const metrics = t.container.metrics.registry;
      expect(await metrics.getSingleMetricAsString('webhook_endpoint_breakers')).toMatch(/webhook_endpoint_breakers\{state="open"\} [1-9]/);
      expect(await metrics.getSingleMetricAsString('webhook_endpoint_breaker_transitions_total')).toMatch(/state="opened"\} [1-9]/);

      // Half-open: one probe, however many are due. It fails: open again, twice as long.
      await untilPassed(opened.breaker_open_until!);
      const probedAt = Date.now();
      expect(await worker().runOnce()).toEqual(expect.objectContaining({ claimed: 1, retried: 1 }));
      const reopened = await breakerOf(endpoint.id);
      expect(reopened.breaker_trips).toBe(2);
      expect(reopened.breaker_open_until!.getTime() - probedAt).toBeGreaterThan(OPEN_MS * 1.5);
      expect(await worker().runOnce()).toEqual(expect.objectContaining({ claimed: 0 }));

      // The endpoint is back: the probe succeeds and closes the breaker, then the rest go out.
      await untilPassed(reopened.breaker_open_until!);
      expect(await worker().runOnce()).toEqual(expect.objectContaining({ claimed: 1, delivered: 1 }));
      expect(await breakerOf(endpoint.id)).toEqual({ consecutive_failures: 0, breaker_trips: 0, breaker_open_until: null });
      expect(t.logs.entries.some((e) => e.message === 'webhook endpoint breaker closed' && e.endpointId === endpoint.id)).toBe(true);
      expect(await worker().runOnce()).toEqual(expect.objectContaining({ claimed: 3, delivered: 3 }));

      const deliveries = await deliveriesTo(endpoint.id);
      expect(deliveries.map((d) => d.status)).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);
      // Every attempt counted is a request the endpoint saw, and each event was answered 200 once.
      expect(await totalAttempts(endpoint.id)).toBe(endpointServer.requests.length);
      const answered = endpointServer.requests.slice(3).map((r) => r.body.id);
      expect([...answered].sort()).toEqual([first, ...later].map((e) => e.id).sort());
      expect(await metrics.getSingleMetricAsString('webhook_endpoint_breakers')).toMatch(/state="open"\} 0/);
    } finally {
      await endpointServer.stop();
    }
  });

  it('when one worker instance opened the breaker, then another claims none of its deliveries, and once half-open each sends at most one probe', async () => {
    let status = 503;
    // Once the endpoint is back, the first probe is held until the test lets it go: the breaker
    // stays half-open while the other instance claims, whatever the machine's load.
    let releaseFirstProbe = () => {};
    const firstProbeHeld = new Promise<void>((resolve) => (releaseFirstProbe = resolve));
    let probesSeen = 0;
    const endpointServer = await new FakeHttpServer(async () => {
      if (status === 200 && probesSeen++ === 0) await firstProbeHeld;
      return { status };
    }).start();
    // A second instance on the same database, as another pod would run it. Its timeout is long
    // enough for the probe the test holds.
    const other = createWebhookModule({
      config: { ...t.container.config, WEBHOOK_TIMEOUT_MS: 30_000 },
      db: t.container.db,
      logger: t.container.logger,
      metrics: createMetrics({ processMetrics: false }),
      tenants: ENVIRONMENT_ONLY,
    }).worker;
    try {
      const user = await registerUser(t);
      const endpoint = await createWebhook(t, user.auth, `${endpointServer.url}/hooks`);
      await enqueue([newEvent('balance.changed', user.id, { n: 0 })]);
      await worker().runOnce();
      await pause(30);
      await worker().runOnce();
      const opened = await breakerOf(endpoint.id);
      expect(opened.breaker_open_until).not.toBeNull();

      await enqueue([1, 2, 3].map((n) => newEvent('balance.changed', user.id, { n })));
      expect(await other.runOnce()).toEqual(expect.objectContaining({ claimed: 0 }));
      expect(await totalAttempts(endpoint.id)).toBe(2);

      status = 200;
      await untilPassed(opened.breaker_open_until!);
      const otherProbe = other.runOnce();
      while (endpointServer.requests.length < 3) await pause(5);
      // The other instance's probe is in flight: this one may send one probe of its own, no more.
      const probe = await worker().runOnce();
      expect(probe).toEqual(expect.objectContaining({ claimed: 1, delivered: 1 }));
      releaseFirstProbe();
      expect(await otherProbe).toEqual(expect.objectContaining({ claimed: 1, delivered: 1 }));
      await drainWebhooks(t);

      expect((await deliveriesTo(endpoint.id)).map((d) => d.status)).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);
      const answered = endpointServer.requests.slice(2).map((r) => r.body.id);
      expect(new Set(answered).size).toBe(answered.length);
      expect(answered).toHaveLength(4);
    } finally {
      releaseFirstProbe();
      await other.stop();
      await endpointServer.stop();
    }
  });
});
