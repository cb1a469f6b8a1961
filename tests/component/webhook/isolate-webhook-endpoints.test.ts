import { newEvent } from '../../../src/shared/events';
import { FakeHttpServer } from '../../support/fake-http-server';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { createWebhook, deliveriesOf, startWebhookReceiver } from '../../support/webhook-receiver';

const TIMEOUT_MS = 4000;
const ENDPOINT_CONCURRENCY = 2;

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('webhook endpoints are isolated from each other', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
      WEBHOOK_ENDPOINT_CONCURRENCY: String(ENDPOINT_CONCURRENCY),
      // Only the lanes are under test here, not the breaker.
      WEBHOOK_BREAKER_FAILURES: '100',
    });
  });
  afterAll(() => t.close());

  it("when one account's endpoint hangs, then another account's delivery arrives well under the timeout and the hanging endpoint holds only its lane", async () => {
    const hanging = await new FakeHttpServer(() => ({ status: 200 })).start();
    hanging.inject('hang', 100);
    const receiver = await startWebhookReceiver();
    const worker = t.container.webhooks.worker;
    try {
      const alice = await registerUser(t);
      const bob = await registerUser(t);
      await createWebhook(t, alice.auth, `${hanging.url}/hooks`);
      await createWebhook(t, bob.auth, receiver.url);
      const aliceEvents = Array.from({ length: 5 }, (_, n) => newEvent('balance.changed', alice.id, { n }));
      await t.container.db.transaction((tx) => t.container.webhooks.outbox.enqueue(tx, aliceEvents));

      worker.start(20);
      await waitFor(() => hanging.requests.length >= ENDPOINT_CONCURRENCY, 2000, "alice's requests to hang");

      const bobEvent = newEvent('transfer.completed', bob.id, { transferId: 'tr_bob' });
      const enqueuedAt = Date.now();
      await t.container.db.transaction((tx) => t.container.webhooks.outbox.enqueue(tx, [bobEvent]));
      await waitFor(() => receiver.received.length > 0, TIMEOUT_MS * 2, "bob's delivery");
      const waitedMs = Date.now() - enqueuedAt;

      // Without lanes, bob's delivery waited for alice's batch to time out (TIMEOUT_MS).
      expect(waitedMs).toBeLessThan(TIMEOUT_MS / 4);
      expect(receiver.received.map((r) => r.body.id)).toEqual([bobEvent.id]);
      // Alice's endpoint got only its lane's worth of requests; the rest wait unattempted.
      expect(hanging.requests).toHaveLength(ENDPOINT_CONCURRENCY);
      const aliceAttempts = await t.container.db.query<{ attempts: number }>(
        `SELECT attempts FROM webhook_deliveries WHERE event_id = ANY ($1) ORDER BY attempts DESC`,
        [aliceEvents.map((e) => e.id)],
      );
      expect(aliceAttempts.rows.map((r) => r.attempts)).toEqual([1, 1, 0, 0, 0]);
    } finally {
      await hanging.stop();
      await worker.stop();
      await receiver.close();
    }
  });

  it('when an endpoint hangs past WEBHOOK_TIMEOUT_MS, then the attempt ends as a timeout and is retried', async () => {
    const hanging = await new FakeHttpServer(() => ({ status: 200 })).start();
    hanging.inject('hang', 1);
    try {
      const user = await registerUser(t);
      await createWebhook(t, user.auth, `${hanging.url}/hooks`);
      const event = newEvent('wallet.created', user.id, {});
      await t.container.db.transaction((tx) => t.container.webhooks.outbox.enqueue(tx, [event]));
      const startedAt = Date.now();
      await t.container.webhooks.worker.runOnce();
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(TIMEOUT_MS - 100);
      expect(await deliveriesOf(t, event.id)).toEqual([expect.objectContaining({ status: 'pending', attempts: 1, last_error: 'timeout' })]);
    } finally {
      await hanging.stop();
    }
  });
});
