import { SqlWebhookDeliveryStore } from '../../../src/modules/webhook/adapters/sql-webhook-delivery.store';
import { WebhookDeliveryRetention } from '../../../src/modules/webhook/delivery-retention';
import { newEvent } from '../../../src/shared/events';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { createWebhook, deliveriesOf, drainWebhooks, startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver';

const RETENTION_DAYS = 30;

describe('retention of settled webhook deliveries', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    t = await startTestApp({ WEBHOOK_RETENTION_DAYS: String(RETENTION_DAYS) });
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await t.close();
  });

  /** Enqueues `count` events for a fresh user with one endpoint; returns their ids. */
  async function enqueue(count: number): Promise<string[]> {
    const user = await registerUser(t);
    await createWebhook(t, user.auth, receiver.url);
    const events = Array.from({ length: count }, (_, i) => newEvent('balance.changed', user.id, { n: i }));
    await t.container.db.transaction((tx) => t.container.webhooks.outbox.enqueue(tx, events));
    return events.map((e) => e.id);
  }

  /** Moves a delivery back in time, as if it had settled (or been created) `days` ago. */
  async function age(eventId: string, days: number, status?: 'failed') {
    await t.container.db.query(
      `UPDATE webhook_deliveries
          SET updated_at = now() - $2 * interval '1 day', created_at = now() - $2 * interval '1 day',
              status = coalesce($3, status)
        WHERE event_id = $1`,
      [eventId, days, status ?? null],
    );
  }

  const statusOf = async (eventId: string) => (await deliveriesOf(t, eventId))[0]?.status ?? 'gone';

  it('when delivered and failed rows are older than the retention, then they go; recent and pending rows stay', async () => {
    const [oldDelivered, oldFailed, recentDelivered, oldPending] = await enqueue(4);
    await t.container.webhooks.worker.runOnce();
    // The fourth stays pending whatever its age: it is still owed to the receiver.
    await t.container.db.query(`UPDATE webhook_deliveries SET status = 'pending', delivered_at = NULL WHERE event_id = $1`, [oldPending]);
    await age(oldDelivered!, RETENTION_DAYS + 1);
    await age(oldFailed!, RETENTION_DAYS + 10, 'failed');
    await age(recentDelivered!, RETENTION_DAYS - 1);
    await age(oldPending!, RETENTION_DAYS * 3);

    expect(await t.container.webhooks.retention.runOnce()).toBe(2);
    expect(await statusOf(oldDelivered!)).toBe('gone');
    expect(await statusOf(oldFailed!)).toBe('gone');
    expect(await statusOf(recentDelivered!)).toBe('delivered');
    expect(await statusOf(oldPending!)).toBe('pending');
    expect(await t.container.webhooks.retention.runOnce()).toBe(0);
  });

  it('when more rows are due than a batch holds, then each run deletes one bounded batch, oldest first', async () => {
    const ids = await enqueue(5);
    await drainWebhooks(t);
    for (const [i, id] of ids.entries()) await age(id, RETENTION_DAYS + 10 - i);
    const retention = new WebhookDeliveryRetention(new SqlWebhookDeliveryStore(t.container.db), t.container.logger, {
      retentionDays: RETENTION_DAYS,
      batchSize: 2,
    });

    expect(await retention.runOnce()).toBe(2);
    expect(await Promise.all(ids.map(statusOf))).toEqual(['gone', 'gone', 'delivered', 'delivered', 'delivered']);
    expect([await retention.runOnce(), await retention.runOnce(), await retention.runOnce()]).toEqual([2, 1, 0]);
  });

  it('when the retention loop is started, then it purges in the background until stopped', async () => {
    const [id] = await enqueue(1);
    await t.container.webhooks.worker.runOnce();
    await age(id!, RETENTION_DAYS + 1);
    t.container.webhooks.retention.start(60_000, 0);
    try {
      for (let i = 0; i < 100 && (await statusOf(id!)) !== 'gone'; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await statusOf(id!)).toBe('gone');
    } finally {
      await t.container.webhooks.retention.stop();
    }
  });

  it('when migrated, then the purge has its partial index of settled rows', async () => {
    const { rows } = await t.container.db.query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE indexname = 'webhook_deliveries_settled_idx'`,
    );
    expect(rows[0]?.indexdef).toMatch(/\(updated_at\) WHERE \(status <> 'pending'::text\)/);
  });
});
