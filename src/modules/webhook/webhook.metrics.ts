import { Counter, type Registry } from 'prom-client';

export type DeliveryOutcome = 'delivered' | 'retried' | 'failed';

/** Registered on the app's registry (infra/metrics.ts), so /metrics shows them with the rest. */
export function createWebhookMetrics(registry: Registry) {
  return {
    deliveries: new Counter({
      name: 'webhook_delivery_attempts_total',
      help: 'Webhook delivery attempts by outcome: delivered, retried (will try again) or failed (gave up)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
  };
}

export type WebhookMetrics = ReturnType<typeof createWebhookMetrics>;
