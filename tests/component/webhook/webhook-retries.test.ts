import { newEvent } from '../../../src/shared/events';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { createWebhook, deadReceiverUrl, deliveriesOf, startWebhookReceiver } from '../../support/webhook-receiver';

const MAX_ATTEMPTS = 4;

describe('webhook delivery retries', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      WEBHOOK_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      WEBHOOK_BACKOFF_BASE_MS: '1',
      WEBHOOK_BACKOFF_MAX_MS: '20',
      WEBHOOK_TIMEOUT_MS: '2000',
    });
  });
  afterAll(() => t.close());

  /** Runs the worker until the delivery leaves `pending` (backoff here is a few milliseconds). */
  async function runUntilSettled(eventId: string) {
    for (let run = 0; run < 50; run++) {
      await t.container.webhooks.worker.runOnce();
      const [delivery] = await deliveriesOf(t, eventId);
      if (delivery && delivery.status !== 'pending') return delivery;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('delivery did not settle');
  }

  it('when the receiver answers 500 then 200, then it is retried and ends delivered', async () => {
    const receiver = await startWebhookReceiver((n) => (n === 1 ? 500 : 200));
    try {
      const user = await registerUser(t);
      await createWebhook(t, user.auth, receiver.url);
      const event = newEvent('refund.completed', user.id, { refundId: 'rf_1' });
      await t.container.db.transaction((tx) => t.container.webhooks.outbox.enqueue(tx, [event]));

      expect(await runUntilSettled(event.id)).toEqual(expect.objectContaining({ status: 'delivered', attempts: 2, last_error: null }));
      expect(receiver.received.map((r) => r.body.id)).toEqual([event.id, event.id]);
      // Each attempt is signed afresh, over the same body.
      expect(receiver.received[0]!.rawBody).toBe(receiver.received[1]!.rawBody);
    } finally {
      await receiver.close();
    }
  });

  /** Counter values by outcome, to compare before and after one test. */
  async function deliveryCounts(): Promise<Record<string, number>> {
    const metric = t.container.metrics.registry.getSingleMetric('webhook_delivery_attempts_total');
    const { values } = await metric!.get();
    return Object.fromEntries(values.map((v) => [String(v.labels.outcome), v.value]));
  }

  it('when the receiver is dead, then the delivery ends failed after the maximum attempts', async () => {
    const before = await deliveryCounts();
    const user = await registerUser(t);
    await createWebhook(t, user.auth, await deadReceiverUrl());
    const event = newEvent('balance.low', user.id, { walletId: 'wal_1' });
    await t.container.db.transaction((tx) => t.container.webhooks.outbox.enqueue(tx, [event]));

    const settled = await runUntilSettled(event.id);
    expect(settled).toEqual(expect.objectContaining({ status: 'failed', attempts: MAX_ATTEMPTS }));
    expect(settled.last_error).toMatch(/ECONNREFUSED/);
    expect(await t.container.webhooks.worker.runOnce()).toEqual(expect.objectContaining({ claimed: 0 }));
    const after = await deliveryCounts();
    expect((after.retried ?? 0) - (before.retried ?? 0)).toBe(MAX_ATTEMPTS - 1);
    expect((after.failed ?? 0) - (before.failed ?? 0)).toBe(1);
  });

  it('when the receiver redirects, then the redirect is not followed and the attempt fails', async () => {
    const receiver = await startWebhookReceiver(() => 302);
    try {
      const user = await registerUser(t);
      await createWebhook(t, user.auth, receiver.url);
      const event = newEvent('wallet.created', user.id, {});
      await t.container.db.transaction((tx) => t.container.webhooks.outbox.enqueue(tx, [event]));
      const settled = await runUntilSettled(event.id);
      expect(settled).toEqual(expect.objectContaining({ status: 'failed', attempts: MAX_ATTEMPTS, last_error: 'HTTP 302' }));
      expect(receiver.received).toHaveLength(MAX_ATTEMPTS);
    } finally {
      await receiver.close();
    }
  });

  it('when the stored secret cannot be decrypted (copied from another endpoint), then nothing is sent and it ends failed', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const user = await registerUser(t);
      const target = await createWebhook(t, user.auth, receiver.url);
      const other = await createWebhook(t, user.auth, 'https://example.com/other', ['refund.completed']);
      // The AAD binds a ciphertext to its endpoint id: another endpoint's ciphertext must not decrypt.
      await t.container.db.query(
        'UPDATE webhook_endpoints SET secret_ciphertext = (SELECT secret_ciphertext FROM webhook_endpoints WHERE id = $2) WHERE id = $1',
        [target.id, other.id],
      );
      const event = newEvent('balance.changed', user.id, {});
      await t.container.db.transaction((tx) => t.container.webhooks.outbox.enqueue(tx, [event]));
      const settled = await runUntilSettled(event.id);
      expect(settled).toEqual(expect.objectContaining({ status: 'failed', last_error: 'signing secret could not be decrypted' }));
      expect(receiver.received).toHaveLength(0);
    } finally {
      await receiver.close();
    }
  });
});
