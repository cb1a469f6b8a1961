import type { LookupFunction } from 'node:net';
import type { Config } from '../../config/config';
import { Encryptor } from '../../infra/crypto/envelope';
import type { Database } from '../../infra/db/database';
import type { Logger } from '../../infra/logger';
import type { Metrics } from '../../infra/metrics';
import type { TenantConfiguration } from '../../shared/tenant-settings';
import { SqlWebhookDeliveryStore } from './adapters/sql-webhook-delivery.store';
import { SqlWebhookEndpointRepository } from './adapters/sql-webhook-endpoint.repository';
import { WebhookDeliveryLog } from './delivery-log';
import { WebhookDeliveryRetention } from './delivery-retention';
import { WebhookDeliveryWorker } from './delivery-worker';
import { EndpointBreaker } from './endpoint-breaker';
import { httpWebhookSender, type WebhookSender } from './http-webhook-sender';
import { createWebhookMetrics } from './webhook.metrics';
import { WebhookOutbox } from './webhook-outbox';
import { WebhookService } from './webhook.service';
import { webhookUrlProblem, type WebhookUrlPolicy } from './webhook-url';

export const WEBHOOK_ENDPOINTS_PER_OWNER_MAX = 20;
export const WEBHOOK_PURGE_BATCH_SIZE = 1000;
/** The longest webhook timeout a tenant may set (tenantSettingsSchema's webhooks.timeoutMs). */
export const TENANT_WEBHOOK_TIMEOUT_MS_MAX = 60_000;

/**
 * Builds the webhook module's parts for the composition root: the service behind the routes, the
 * outbox that event-emitting services call inside their transactions, the delivery worker and
 * the retention of settled deliveries (neither started here: the container starts them when
 * WEBHOOK_WORKER_INTERVAL_MS > 0).
 */
export function createWebhookModule(deps: {
  config: Config;
  db: Database;
  logger: Logger;
  metrics: Metrics;
  encryptor?: Encryptor;
  /** The resolver under the sender's address check; dns.lookup by default. */
  lookup?: LookupFunction;
  /** Each endpoint's tenant's delivery settings (attempts, timeout). */
  tenants: Pick<TenantConfiguration, 'settingsOf'>;
}) {
  const { config, db, logger, metrics } = deps;
  const encryptor = deps.encryptor ?? new Encryptor(config.ENCRYPTION_KEYS);
  const store = new SqlWebhookDeliveryStore(db);
  const urlPolicy: WebhookUrlPolicy = {
    allowLocalHttp: config.NODE_ENV !== 'production',
    allowPrivateTargets: config.WEBHOOK_ALLOW_PRIVATE_TARGETS,
  };
  const endpoints = new SqlWebhookEndpointRepository(db);
  const service = new WebhookService(endpoints, encryptor, logger, {
    ...urlPolicy,
    endpointsPerOwnerMax: WEBHOOK_ENDPOINTS_PER_OWNER_MAX,
  });
  const sender = httpWebhookSender({
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    allowPrivateTargets: config.WEBHOOK_ALLOW_PRIVATE_TARGETS,
    lookup: deps.lookup,
  });
  const metricsOfWebhooks = createWebhookMetrics(metrics.registry, store, logger);
  const breaker = new EndpointBreaker(
    store,
    {
      failuresToOpen: config.WEBHOOK_BREAKER_FAILURES,
      openBaseMs: config.WEBHOOK_BREAKER_OPEN_MS,
      openMaxMs: config.WEBHOOK_BREAKER_OPEN_MAX_MS,
    },
    logger,
    metricsOfWebhooks,
  );
  const worker = new WebhookDeliveryWorker(
    store,
    encryptor,
    sender,
    logger,
    metricsOfWebhooks,
    breaker,
    {
      maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
      batchSize: config.WEBHOOK_BATCH_SIZE,
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      timeoutMaxMs: Math.max(config.WEBHOOK_TIMEOUT_MS, TENANT_WEBHOOK_TIMEOUT_MS_MAX),
      backoffBaseMs: config.WEBHOOK_BACKOFF_BASE_MS,
      backoffMaxMs: config.WEBHOOK_BACKOFF_MAX_MS,
      endpointConcurrency: config.WEBHOOK_ENDPOINT_CONCURRENCY,
      inFlightMax: config.WEBHOOK_IN_FLIGHT_MAX,
    },
    deps.tenants,
  );
  const retention = new WebhookDeliveryRetention(store, logger, {
    retentionDays: config.WEBHOOK_RETENTION_DAYS,
    batchSize: WEBHOOK_PURGE_BATCH_SIZE,
  });
  // The same outgoing rules for other edges that POST to URLs their callers give (A2A push
  // notifications): the URL check at registration, and the sender (timeout, no redirects, public
  // addresses only, checked again at every connection).
  const outgoing: OutgoingPost = { urlProblem: (url) => webhookUrlProblem(url, urlPolicy), post: sender };
  const deliveries = new WebhookDeliveryLog(endpoints, store, logger);
  return { service, deliveries, outbox: new WebhookOutbox(store), worker, retention, outgoing };
}

/** POSTs to a URL a caller registered, under the webhook sender's rules. */
export interface OutgoingPost {
  /** Why the URL is refused (private, loopback, not https…), or null. */
  urlProblem: (url: string) => string | null;
  /** One attempt; never throws (a failure is `{ ok: false, error }`). */
  post: WebhookSender;
}

export type WebhookModule = ReturnType<typeof createWebhookModule>;
