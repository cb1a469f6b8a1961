import { inSystemScope, inTenant } from '../../../src/infra/tenant-scope';
import { DEFAULT_TENANT_ID } from '../../../src/shared/tenant-settings';
import { newEvent } from '../../../src/shared/events';
import { FakeHttpServer } from '../../support/fake-http-server';
import { addTenants, MemoryTenantConfiguration, registerTenantUser, TENANT_B } from '../../support/tenants';
import { startTestApp, type TestApp } from '../../support/test-app';
import { createWebhook, deadReceiverUrl, deliveriesOf } from '../../support/webhook-receiver';

const ENV_MAX_ATTEMPTS = 4;

/**
 * Webhook delivery per tenant (settings webhooks): the worker, which claims every tenant's
 * deliveries, gives each the attempts and timeout of its endpoint's tenant, else WEBHOOK_*.
 */
describe('webhook delivery settings per tenant', () => {
  let t: TestApp;
  const tenants = new MemoryTenantConfiguration().set(TENANT_B, { webhooks: { maxAttempts: 2, timeoutMs: 1_000 } });
  beforeAll(async () => {
    t = await startTestApp(
      {
        WEBHOOK_MAX_ATTEMPTS: String(ENV_MAX_ATTEMPTS),
        WEBHOOK_BACKOFF_BASE_MS: '1',
        WEBHOOK_BACKOFF_MAX_MS: '20',
        WEBHOOK_TIMEOUT_MS: '3000',
      },
      { tenants },
    );
    await addTenants(t, TENANT_B);
  });
  afterAll(() => t.close());

  /** An event of the user's tenant, put in the outbox as that tenant's services do. */
  const emit = (tenantId: string, userId: string) => {
    const event = newEvent('wallet.created', userId, {});
    return inTenant(tenantId, () => t.container.db.transaction((tx) => t.container.webhooks.outbox.enqueue(tx, [event]))).then(() => event);
  };

  async function runUntilSettled(eventId: string) {
    for (let run = 0; run < 50; run++) {
      await t.container.webhooks.worker.runOnce();
      const [delivery] = await inSystemScope(() => deliveriesOf(t, eventId));
      if (delivery && delivery.status !== 'pending') return delivery;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('delivery did not settle');
  }

  it("when both tenants' receivers are dead, then tenant B's delivery fails after B's maxAttempts and the default tenant's after WEBHOOK_MAX_ATTEMPTS", async () => {
    const b = await registerTenantUser(t, TENANT_B);
    const a = await registerTenantUser(t, DEFAULT_TENANT_ID);
    await createWebhook(t, b.auth, await deadReceiverUrl());
    await createWebhook(t, a.auth, await deadReceiverUrl());
    const eventB = await emit(TENANT_B, b.id);
    const eventA = await emit(DEFAULT_TENANT_ID, a.id);

    expect(await runUntilSettled(eventB.id)).toEqual(expect.objectContaining({ status: 'failed', attempts: 2 }));
    expect(await runUntilSettled(eventA.id)).toEqual(expect.objectContaining({ status: 'failed', attempts: ENV_MAX_ATTEMPTS }));
  });

  it("when a receiver answers after 1.5 s, then tenant B's attempt times out at B's 1 s while the default tenant's is delivered within WEBHOOK_TIMEOUT_MS", async () => {
    const slow = await new FakeHttpServer(async () => {
      await new Promise((resolve) => setTimeout(resolve, 1_500).unref());
      return { status: 200 };
    }).start();
    try {
      const b = await registerTenantUser(t, TENANT_B);
      const a = await registerTenantUser(t, DEFAULT_TENANT_ID);
      await createWebhook(t, b.auth, `${slow.url}/hooks`);
      await createWebhook(t, a.auth, `${slow.url}/hooks`);
      const eventB = await emit(TENANT_B, b.id);
      const eventA = await emit(DEFAULT_TENANT_ID, a.id);

      const settledB = await runUntilSettled(eventB.id);
      expect(settledB).toEqual(expect.objectContaining({ status: 'failed', attempts: 2 }));
      expect(settledB.last_error).toMatch(/timeout|ECONNABORTED/i);
      expect(await runUntilSettled(eventA.id)).toEqual(expect.objectContaining({ status: 'delivered', attempts: 1 }));
    } finally {
      await slow.stop();
    }
  });
});
