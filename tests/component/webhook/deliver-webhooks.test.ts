import { requestContext } from '../../../src/infra/request-context';
import { newEvent } from '../../../src/shared/events';
import { verifyWebhookSignature } from '../../../src/modules/webhook/signature';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { createWebhook, deliveriesOf, startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver';
import { DEFAULT_TENANT_ID } from '../../../src/shared/tenant-settings';

describe('webhook outbox and delivery worker', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    t = await startTestApp();
  });
  beforeEach(async () => {
    receiver = await startWebhookReceiver();
  });
  afterEach(() => receiver.close());
  afterAll(() => t.close());

  const outbox = () => t.container.webhooks.outbox;
  const worker = () => t.container.webhooks.worker;

  it('when an event is enqueued in a committed transaction, then it is delivered once, signed', async () => {
    const user = await registerUser(t);
    const endpoint = await createWebhook(t, user.auth, receiver.url, ['transfer.completed']);
    const event = newEvent('transfer.completed', user.id, { transferId: 'tr_1', amount: 1050n, currency: 'USD' });

    const enqueued = await t.container.db.transaction((tx) => outbox().enqueue(tx, [event]));
    expect(enqueued).toBe(1);
    expect(await worker().runOnce()).toEqual({ claimed: 1, delivered: 1, retried: 0, failed: 0 });
    expect(await worker().runOnce()).toEqual({ claimed: 0, delivered: 0, retried: 0, failed: 0 });

    expect(receiver.received).toHaveLength(1);
    const [hit] = receiver.received;
    expect(hit!.body).toEqual({
      id: event.id,
      type: 'transfer.completed',
      createdAt: event.occurredAt.toISOString(),
      data: { transferId: 'tr_1', amount: '1050', currency: 'USD' },
    });
    expect(hit!.headers['ocp-event-id']).toBe(event.id);
    expect(hit!.headers['content-type']).toBe('application/json');
    const signature = hit!.headers['ocp-signature'] as string;
    expect(verifyWebhookSignature(signature, hit!.rawBody, endpoint.secret)).toBe(true);
    expect(verifyWebhookSignature(signature, hit!.rawBody, 'whsec_wrong')).toBe(false);
    expect(await deliveriesOf(t, event.id)).toEqual([{ endpoint_id: endpoint.id, status: 'delivered', attempts: 1, last_error: null }]);
    expect(t.logs.text()).not.toContain(endpoint.secret);
    expect(t.logs.text()).not.toContain(signature.split('v1=')[1]);
    const metrics = await t.container.metrics.registry.getSingleMetricAsString('webhook_delivery_attempts_total');
    expect(metrics).toMatch(/webhook_delivery_attempts_total\{outcome="delivered"\} [1-9]/);
  });

  it('when the enqueuing transaction rolls back, then nothing is ever delivered', async () => {
    const user = await registerUser(t);
    await createWebhook(t, user.auth, receiver.url);
    const event = newEvent('balance.changed', user.id, { walletId: 'wal_1' });
    await expect(
      t.container.db.transaction(async (tx) => {
        await outbox().enqueue(tx, [event]);
        throw new Error('debit failed after the enqueue');
      }),
    ).rejects.toThrow('debit failed');
    await worker().runOnce();
    expect(receiver.received).toHaveLength(0);
    expect(await deliveriesOf(t, event.id)).toEqual([]);
  });

  it("when user A has an event, then only A's subscribed endpoints receive it, never B's", async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const aliceAll = await createWebhook(t, alice.auth, `${receiver.url}/alice-all`, ['*']);
    await createWebhook(t, alice.auth, `${receiver.url}/alice-refunds`, ['refund.completed']);
    await createWebhook(t, bob.auth, `${receiver.url}/bob`, ['*']);
    const event = newEvent('wallet.created', alice.id, { walletId: 'wal_a' });

    await t.container.db.transaction((tx) => outbox().enqueue(tx, [event]));
    await worker().runOnce();

    expect(receiver.received.map((r) => r.body.id)).toEqual([event.id]);
    expect(await deliveriesOf(t, event.id)).toEqual([expect.objectContaining({ endpoint_id: aliceAll.id, status: 'delivered' })]);
  });

  it('when the owner has no endpoint, then enqueue writes nothing', async () => {
    const user = await registerUser(t);
    const event = newEvent('balance.low', user.id, { walletId: 'wal_1' });
    expect(await t.container.db.transaction((tx) => outbox().enqueue(tx, [event]))).toBe(0);
    expect(await deliveriesOf(t, event.id)).toEqual([]);
  });

  it('when the same event is enqueued twice, then it is delivered once per endpoint', async () => {
    const user = await registerUser(t);
    await createWebhook(t, user.auth, receiver.url);
    const event = newEvent('transfer.completed', user.id, {});
    await t.container.db.transaction((tx) => outbox().enqueue(tx, [event]));
    await t.container.db.transaction((tx) => outbox().enqueue(tx, [event]));
    await worker().runOnce();
    expect(receiver.received).toHaveLength(1);
  });

  it('when several workers run at once, then every delivery is sent exactly once', async () => {
    const user = await registerUser(t);
    await createWebhook(t, user.auth, receiver.url);
    const events = Array.from({ length: 30 }, (_, i) => newEvent('balance.changed', user.id, { n: i }));
    await t.container.db.transaction((tx) => outbox().enqueue(tx, events));

    // Rounds of three concurrent runs (each takes at most WEBHOOK_ENDPOINT_CONCURRENCY of the
    // endpoint's deliveries) until all are delivered.
    let delivered = 0;
    for (let round = 0; round < 30 && delivered < 30; round++) {
      const runs = await Promise.all([worker().runOnce(), worker().runOnce(), worker().runOnce()]);
      delivered += runs.reduce((sum, r) => sum + r.delivered, 0);
    }
    expect(delivered).toBe(30);
    const ids = receiver.received.map((r) => r.body.id).sort();
    expect(ids).toEqual(events.map((e) => e.id).sort());
  });

  it('when the endpoint is deleted before the worker runs, then its deliveries are dropped', async () => {
    const user = await registerUser(t);
    const endpoint = await createWebhook(t, user.auth, receiver.url);
    const event = newEvent('transfer.completed', user.id, {});
    await t.container.db.transaction((tx) => outbox().enqueue(tx, [event]));
    await t.http().delete(`/api/v1/webhooks/${endpoint.id}`).set(user.auth).expect(204);
    await worker().runOnce();
    expect(receiver.received).toHaveLength(0);
  });

  // That nothing runs after stop() is Periodic's own test (tests/unit/periodic.test.ts, on a fake clock).
  it('when the worker is started, then it delivers in the background, and stop() waits for it', async () => {
    const user = await registerUser(t);
    await createWebhook(t, user.auth, receiver.url);
    const first = newEvent('wallet.created', user.id, {});
    worker().start(10);
    try {
      await t.container.db.transaction((tx) => outbox().enqueue(tx, [first]));
      for (let i = 0; i < 100 && receiver.received.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(receiver.received.map((r) => r.body.id)).toEqual([first.id]);
    } finally {
      await worker().stop();
    }
    expect(await deliveriesOf(t, first.id)).toEqual([expect.objectContaining({ status: 'delivered', attempts: 1 })]);
  });

  it("when the event was enqueued during a traced request, then the delivery carries that request's traceparent", async () => {
    const user = await registerUser(t);
    await createWebhook(t, user.auth, receiver.url);
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const event = newEvent('transfer.completed', user.id, {});
    await requestContext.run({ requestId: 'req-1', traceparent, tenantId: DEFAULT_TENANT_ID }, () =>
      t.container.db.transaction((tx) => outbox().enqueue(tx, [event])),
    );
    await worker().runOnce();
    expect(receiver.received[0]?.headers.traceparent).toBe(traceparent);
  });
});
