import { Encryptor } from '../../../src/infra/crypto/envelope';
import { newEvent } from '../../../src/shared/events';
import { verifyWebhookSignature } from '../../../src/modules/webhook/signature';
import { createOperator } from '../../support/admin';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { createWebhook, drainWebhooks, startWebhookReceiver } from '../../support/webhook-receiver';

describe('webhook delivery log, redelivery and test events', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ WEBHOOK_BACKOFF_BASE_MS: '1', WEBHOOK_BACKOFF_MAX_MS: '5', WEBHOOK_TIMEOUT_MS: '2000' });
  });
  afterAll(() => t.close());

  const worker = () => t.container.webhooks.worker;

  async function enqueue(userId: string, type = 'refund.completed') {
    const event = newEvent(type, userId, { refundId: 'rf_1' });
    await t.container.db.transaction((tx) => t.container.webhooks.outbox.enqueue(tx, [event]));
    return event;
  }

  async function listDeliveries(auth: Record<string, string>, endpointId: string, query = '') {
    return t.http().get(`/api/v1/webhooks/${endpointId}/deliveries${query}`).set(auth);
  }

  /** Runs the worker until nothing is pending (the retry backoff here is a few milliseconds). */
  async function settleAll() {
    for (let run = 0; run < 50; run++) {
      await worker().runOnce();
      const { rows } = await t.container.db.query("SELECT 1 FROM webhook_deliveries WHERE status = 'pending'");
      if (rows.length === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('deliveries did not settle');
  }

  it('when the receiver answers 500 then 200, then the log shows two attempts and the last code 200', async () => {
    const receiver = await startWebhookReceiver((n) => (n === 1 ? 500 : 200));
    try {
      const user = await registerUser(t);
      const endpoint = await createWebhook(t, user.auth, receiver.url);
      const event = await enqueue(user.id);

      await worker().runOnce();
      const retrying = await listDeliveries(user.auth, endpoint.id);
      expect(retrying.status).toBe(200);
      expect(retrying.body.data).toEqual([
        expect.objectContaining({ eventId: event.id, status: 'pending', attempts: 1, lastResponseCode: 500, lastError: 'HTTP 500' }),
      ]);
      expect(retrying.body.data[0].nextAttemptAt).not.toBeNull();

      await settleAll();
      const settled = await listDeliveries(user.auth, endpoint.id);
      expect(settled.body.data).toEqual([
        expect.objectContaining({
          eventId: event.id,
          eventType: 'refund.completed',
          status: 'delivered',
          attempts: 2,
          lastResponseCode: 200,
          lastError: null,
          nextAttemptAt: null,
        }),
      ]);
      expect(Date.parse(settled.body.data[0].lastAttemptAt)).toBeGreaterThanOrEqual(Date.parse(settled.body.data[0].createdAt));
    } finally {
      await receiver.close();
    }
  });

  it('when there are more deliveries than the limit, then cursor pages walk them newest first, filtered by status', async () => {
    const user = await registerUser(t);
    const endpoint = await createWebhook(t, user.auth, 'https://example.com/never-called');
    const events = [];
    for (let i = 0; i < 3; i++) events.push(await enqueue(user.id));

    const first = await listDeliveries(user.auth, endpoint.id, '?limit=2&status=pending');
    expect(first.body.data.map((d: { eventId: string }) => d.eventId)).toEqual([events[2]!.id, events[1]!.id]);
    const second = await listDeliveries(user.auth, endpoint.id, `?limit=2&status=pending&cursor=${first.body.nextCursor}`);
    expect(second.body.data.map((d: { eventId: string }) => d.eventId)).toEqual([events[0]!.id]);
    expect(second.body.nextCursor).toBeNull();
    expect((await listDeliveries(user.auth, endpoint.id, '?status=delivered')).body.data).toEqual([]);
    expect((await listDeliveries(user.auth, endpoint.id, '?status=sent')).status).toBe(400);
  });

  it("when another user asks for an endpoint's deliveries, redelivers or tests it, then it is 404 as if it did not exist", async () => {
    const owner = await registerUser(t);
    const other = await registerUser(t);
    const endpoint = await createWebhook(t, owner.auth, 'https://example.com/hooks');
    await enqueue(owner.id);
    const [delivery] = (await listDeliveries(owner.auth, endpoint.id)).body.data;

    const list = await listDeliveries(other.auth, endpoint.id);
    expect(list.status).toBe(404);
    expect(list.body.error.code).toBe('webhook_not_found');
    const redeliver = await t.http().post(`/api/v1/webhooks/${endpoint.id}/deliveries/${delivery.id}/redeliver`).set(other.auth);
    expect(redeliver.status).toBe(404);
    expect((await t.http().post(`/api/v1/webhooks/${endpoint.id}/test`).set(other.auth)).status).toBe(404);
    expect((await listDeliveries(owner.auth, 'whe_missing')).status).toBe(404);
  });

  it('when a delivered event is redelivered, then it arrives again with the same event id, signed with the current secret', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const user = await registerUser(t);
      const endpoint = await createWebhook(t, user.auth, receiver.url);
      const event = await enqueue(user.id);
      await drainWebhooks(t);
      const [delivery] = (await listDeliveries(user.auth, endpoint.id)).body.data;
      expect(delivery.status).toBe('delivered');

      // The secret changes after the first delivery: the redelivery must be signed with the new one.
      const newSecret = 'whsec_rotated_for_this_test';
      const ciphertext = new Encryptor(t.config.ENCRYPTION_KEYS).encrypt(newSecret, endpoint.id);
      await t.container.db.query('UPDATE webhook_endpoints SET secret_ciphertext = $2 WHERE id = $1', [endpoint.id, ciphertext]);

      const res = await t.http().post(`/api/v1/webhooks/${endpoint.id}/deliveries/${delivery.id}/redeliver`).set(user.auth);
      expect(res.status).toBe(202);
      expect(res.body).toEqual(expect.objectContaining({ id: delivery.id, eventId: event.id, status: 'pending', attempts: 0 }));
      await drainWebhooks(t);

      expect(receiver.received.map((r) => r.body.id)).toEqual([event.id, event.id]);
      const again = receiver.received[1]!;
      expect(again.headers['ocp-event-id']).toBe(event.id);
      expect(verifyWebhookSignature(again.headers['ocp-signature'] as string, again.rawBody, newSecret)).toBe(true);
      expect(verifyWebhookSignature(again.headers['ocp-signature'] as string, again.rawBody, endpoint.secret)).toBe(false);
      // A receiver that dedupes by event id handles it once.
      expect(new Set(receiver.received.map((r) => r.body.id)).size).toBe(1);
      const [after] = (await listDeliveries(user.auth, endpoint.id)).body.data;
      expect(after).toEqual(expect.objectContaining({ id: delivery.id, status: 'delivered', attempts: 1, lastResponseCode: 200 }));
    } finally {
      await receiver.close();
    }
  });

  it('when a pending delivery is redelivered, then it is 409 and nothing changes; an unknown delivery is 404', async () => {
    const user = await registerUser(t);
    const endpoint = await createWebhook(t, user.auth, 'https://example.com/hooks');
    await enqueue(user.id);
    const [delivery] = (await listDeliveries(user.auth, endpoint.id)).body.data;

    const res = await t.http().post(`/api/v1/webhooks/${endpoint.id}/deliveries/${delivery.id}/redeliver`).set(user.auth);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('webhook_delivery_pending');
    expect((await listDeliveries(user.auth, endpoint.id)).body.data).toEqual([delivery]);
    const missing = await t.http().post(`/api/v1/webhooks/${endpoint.id}/deliveries/whd_missing/redeliver`).set(user.auth);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('webhook_delivery_not_found');
  });

  it('when a test event is requested, then only that endpoint receives a signed webhook.test', async () => {
    const tested = await startWebhookReceiver();
    const sibling = await startWebhookReceiver();
    try {
      const user = await registerUser(t);
      const endpoint = await createWebhook(t, user.auth, tested.url, ['transfer.completed']);
      await createWebhook(t, user.auth, sibling.url);

      const res = await t.http().post(`/api/v1/webhooks/${endpoint.id}/test`).set(user.auth);
      expect(res.status).toBe(202);
      expect(res.body).toEqual(expect.objectContaining({ eventType: 'webhook.test', status: 'pending' }));
      await drainWebhooks(t);

      expect(tested.received).toHaveLength(1);
      const [received] = tested.received;
      expect(received!.body).toEqual(expect.objectContaining({ id: res.body.eventId, type: 'webhook.test' }));
      expect(received!.body.data).toEqual(expect.objectContaining({ endpointId: endpoint.id }));
      expect(verifyWebhookSignature(received!.headers['ocp-signature'] as string, received!.rawBody, endpoint.secret)).toBe(true);
      expect(sibling.received).toHaveLength(0);
    } finally {
      await tested.close();
      await sibling.close();
    }
  });

  it("when an operator reads any account's endpoint deliveries, then support sees them and finance is refused", async () => {
    const user = await registerUser(t);
    const endpoint = await createWebhook(t, user.auth, 'https://example.com/hooks');
    const event = await enqueue(user.id);
    const support = await createOperator(t, 'support');
    const finance = await createOperator(t, 'finance');

    const res = await t.http().get(`/api/v1/admin/webhooks/${endpoint.id}/deliveries`).set(support.auth);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([expect.objectContaining({ eventId: event.id, status: 'pending', attempts: 0 })]);
    expect((await t.http().get(`/api/v1/admin/webhooks/whe_missing/deliveries`).set(support.auth)).status).toBe(404);
    expect((await t.http().get(`/api/v1/admin/webhooks/${endpoint.id}/deliveries`).set(finance.auth)).status).toBe(403);
  });
});
