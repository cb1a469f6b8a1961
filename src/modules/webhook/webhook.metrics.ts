import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from '../../infra/logger';
import type { WebhookDeliveryStore } from './webhook.repository';

export type DeliveryOutcome = 'delivered' | 'retried' | 'failed';

/** Registered on the app's registry (infra/metrics.ts), so /metrics shows them with the rest. */
export function createWebhookMetrics(registry: Registry, store: Pick<WebhookDeliveryStore, 'countBreakers'>, logger: Logger) {
  return {
    deliveries: new Counter({
      name: 'webhook_delivery_attempts_total',
      help: 'Webhook delivery attempts by outcome: delivered, retried (will try again) or failed (gave up)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: 'webhook_deliveries_in_flight',
      help: 'Webhook deliveries this instance is sending right now (bounded by WEBHOOK_IN_FLIGHT_MAX)',
      registers: [registry],
    }),
    breakerTransitions: new Counter({
      name: 'webhook_endpoint_breaker_transitions_total',
      help: 'Endpoint circuit breakers opened (after WEBHOOK_BREAKER_FAILURES failures or a failed probe) or closed (a delivery succeeded)',
      labelNames: ['state'] as const,
      registers: [registry],
    }),
    deferred: new Counter({
      name: 'webhook_deliveries_deferred_total',
      help: 'Pending webhook deliveries pushed back, without using an attempt, when their endpoint breaker opened',
      registers: [registry],
    }),
    breakers: new Gauge({
      name: 'webhook_endpoint_breakers',
      help: 'Webhook endpoints whose circuit breaker is open or half_open (counted in the database at scrape time)',
      labelNames: ['state'] as const,
      registers: [registry],
      async collect() {
        try {
          const { open, halfOpen } = await store.countBreakers();
          this.set({ state: 'open' }, open);
          this.set({ state: 'half_open' }, halfOpen);
        } catch (error) {
          this.reset();
          logger.warn('webhook metrics could not count the endpoint breakers', { error });
        }
      },
    }),
  };
}

export type WebhookMetrics = ReturnType<typeof createWebhookMetrics>;
