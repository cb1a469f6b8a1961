import { inSystemScope, inTenant } from '../../infra/tenant-scope';
import type { Encryptor } from '../../infra/crypto/envelope';
import type { Logger } from '../../infra/logger';
import { Periodic } from '../../infra/periodic';
import { activeSpanContext, activeTraceparent, contextOf, inSpan, recordRunWork, SpanKind } from '../../infra/tracing/spans';
import type { EndpointBreaker } from './endpoint-breaker';
import { EndpointLanes } from './endpoint-lanes';
import type { WebhookResponse, WebhookSender } from './http-webhook-sender';
import { retryDelayMs } from '../../shared/retry-delay';
import type { TenantConfiguration } from '../../shared/tenant-settings';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signWebhookPayload } from './signature';
import type { DeliveryOutcome, WebhookMetrics } from './webhook.metrics';
import type { ClaimedDelivery, WebhookDeliveryStore } from './webhook.repository';

export interface DeliveryWorkerOptions {
  /** The environment's (WEBHOOK_MAX_ATTEMPTS); an endpoint's tenant may set its own. */
  maxAttempts: number;
  /** Deliveries claimed per run. */
  batchSize: number;
  /** The environment's (WEBHOOK_TIMEOUT_MS); an endpoint's tenant may set its own. */
  timeoutMs: number;
  /** The longest an attempt may take whatever a tenant sets: the claim's lease outlives it. */
  timeoutMaxMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Deliveries one endpoint may have in flight in this process. */
  endpointConcurrency: number;
  /** Deliveries in flight in this process, all endpoints together. */
  inFlightMax: number;
}

export type RunSummary = Record<DeliveryOutcome, number> & { claimed: number };

const SECRET_UNREADABLE = 'signing secret could not be decrypted';

/**
 * Sends what the outbox holds. Each run leases a bounded batch (safe with several instances) and
 * hands every delivery to its endpoint's lane, signed with the endpoint's secret; the outcome is
 * recorded: 2xx is delivered; anything else is retried with backoff until maxAttempts, then failed.
 * The started loop does not wait for a batch to finish: it claims again while deliveries are in
 * flight, so a hanging endpoint delays only its own lane. The endpoint breaker keeps a dead
 * endpoint from being tried (or using up attempts) until its wait is over.
 */
export class WebhookDeliveryWorker {
  private readonly loop: Periodic;
  private readonly lanes: EndpointLanes;
  /** Claims of this process, one at a time: each reads the lane counts the previous one filled. */
  private claiming: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: WebhookDeliveryStore,
    private readonly encryptor: Encryptor,
    private readonly send: WebhookSender,
    private readonly logger: Logger,
    private readonly metrics: WebhookMetrics,
    private readonly breaker: EndpointBreaker,
    private readonly options: DeliveryWorkerOptions,
    /** Each endpoint's tenant's webhook settings (maxAttempts, timeoutMs). */
    private readonly tenants: Pick<TenantConfiguration, 'settingsOf'>,
  ) {
    this.lanes = new EndpointLanes((total) => metrics.inFlight.set(total));
    this.loop = new Periodic('webhook worker', () => this.dispatch(), logger);
  }

  /**
   * One batch, waiting for each of its deliveries to settle (tests, tools). Errors: only the claim
   * query's (a database outage); per-delivery ones are recorded.
   */
  async runOnce(): Promise<RunSummary> {
    const claimed = await this.claim();
    recordRunWork(claimed.length);
    const summary: RunSummary = { claimed: claimed.length, delivered: 0, retried: 0, failed: 0 };
    const outcomes = await Promise.all(claimed.map((delivery) => this.lanes.run(delivery.endpointId, () => this.attempt(delivery))));
    for (const outcome of outcomes) if (outcome) summary[outcome] += 1;
    return summary;
  }

  /** Runs batches every intervalMs (at once again after a full batch) until stop(). */
  start(intervalMs: number): void {
    this.loop.start(intervalMs);
  }

  /** Stops claiming and waits for the deliveries in flight, so close() can release the pool after. */
  async stop(): Promise<void> {
    await this.loop.stop();
    await this.lanes.idle();
  }

  /** The loop's run: claims and sends without waiting; true when a full batch says more is due. */
  private async dispatch(): Promise<boolean> {
    const claimed = await this.claim();
    recordRunWork(claimed.length);
    // attempt() never rejects: its outcome is recorded (or logged) inside.
    for (const delivery of claimed) void this.lanes.run(delivery.endpointId, () => this.attempt(delivery));
    return claimed.length > 0 && claimed.length === this.options.batchSize;
  }

  private claim(): Promise<ClaimedDelivery[]> {
    const claimed = this.claiming.then(async () => {
      const limit = Math.min(this.options.batchSize, this.options.inFlightMax - this.lanes.inFlightTotal);
      if (limit <= 0) return [];
      // The lease outlives the slowest possible attempt (any tenant's timeout), so no other worker
      // takes a row mid-send.
      const leaseMs = this.options.timeoutMaxMs * 2 + 30_000;
      // Every tenant's due deliveries, claimed as the owner; each attempt then runs in its tenant.
      return inSystemScope(() =>
        this.store.claimDue(limit, leaseMs, {
          inFlightByEndpoint: this.lanes.snapshot(),
          perEndpointMax: this.options.endpointConcurrency,
        }),
      );
    });
    this.claiming = claimed.catch(() => undefined);
    return claimed;
  }

  /**
   * One attempt in a span of the trace that made the event (its stored traceparent), linked to the
   * worker's run that claimed it: the receiver's traceparent continues the original request's trace.
   */
  private attempt(delivery: ClaimedDelivery): Promise<DeliveryOutcome | undefined> {
    const run = activeSpanContext();
    const parent = contextOf(delivery.traceparent);
    return inSpan(
      'webhook deliver',
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'ocp.webhook.delivery_id': delivery.id,
          'ocp.webhook.event_type': delivery.eventType,
          'ocp.webhook.attempt': delivery.attempts,
        },
        ...(run ? { links: [{ context: run }] } : {}),
        ...(parent ? { parent } : {}),
      },
      () => inTenant(delivery.tenantId, () => this.attemptInSpan(delivery)),
    );
  }

  private async attemptInSpan(delivery: ClaimedDelivery): Promise<DeliveryOutcome | undefined> {
    const context = { deliveryId: delivery.id, eventId: delivery.eventId, endpointId: delivery.endpointId, attempt: delivery.attempts };
    try {
      const { maxAttempts, timeoutMs } = await this.settingsOf(delivery.tenantId);
      const response = await this.sendSigned(delivery, timeoutMs);
      if (response.ok) {
        await this.store.markDelivered(delivery, response.status);
        await this.breaker.succeeded(delivery.endpointId);
        return this.record('delivered', context);
      }
      const responseCode = 'status' in response ? response.status : null;
      const reason = 'status' in response ? `HTTP ${response.status}` : response.error;
      let outcome: DeliveryOutcome;
      if (delivery.attempts >= maxAttempts) {
        await this.store.markFailed(delivery, reason, responseCode);
        outcome = this.record('failed', { ...context, reason });
      } else {
        const delayMs = retryDelayMs(delivery.attempts, this.options.backoffBaseMs, this.options.backoffMaxMs);
        await this.store.scheduleRetry(delivery, delayMs, reason, responseCode);
        outcome = this.record('retried', { ...context, reason, delayMs });
      }
      // After the retry is scheduled, so an opening breaker pushes this delivery back too. An
      // unreadable secret is ours to fix, not the endpoint being down.
      if (reason !== SECRET_UNREADABLE) await this.breaker.failed(delivery.endpointId);
      return outcome;
    } catch (error) {
      // The outcome could not be recorded (database down): the lease expires and the delivery
      // is attempted again.
      this.logger.error('webhook delivery could not be recorded', { ...context, error });
      return undefined;
    }
  }

  /** The endpoint's tenant's attempts and timeout where it sets them, else the environment's. */
  private async settingsOf(tenantId: string): Promise<{ maxAttempts: number; timeoutMs: number }> {
    const { maxAttempts, timeoutMs } = this.options;
    let webhooks;
    try {
      ({ webhooks } = await this.tenants.settingsOf(tenantId));
    } catch (error) {
      this.logger.warn("webhook delivery: the tenant's settings could not be read; the environment's apply", { tenantId, error });
    }
    return {
      maxAttempts: webhooks?.maxAttempts ?? maxAttempts,
      timeoutMs: Math.min(webhooks?.timeoutMs ?? timeoutMs, this.options.timeoutMaxMs),
    };
  }

  private async sendSigned(delivery: ClaimedDelivery, timeoutMs: number): Promise<WebhookResponse> {
    let secrets: string[];
    try {
      // Current first, then the previous one while a rotation's overlap lasts (the claim left it out after).
      secrets = [delivery.secretCiphertext, delivery.previousSecretCiphertext]
        .filter((ciphertext) => ciphertext !== null)
        .map((ciphertext) => this.encryptor.decrypt(ciphertext, delivery.endpointId).toString('utf8'));
    } catch {
      // A key id missing from ENCRYPTION_KEYS: counted as a failed attempt, so it ends failed
      // instead of being leased again forever.
      return { ok: false, error: SECRET_UNREADABLE };
    }
    const body = JSON.stringify({
      id: delivery.eventId,
      type: delivery.eventType,
      createdAt: delivery.occurredAt.toISOString(),
      data: delivery.data,
    });
    // Tracing on: this attempt's span, in the event's trace; off: the traceparent stored with the event.
    const traceparent = activeTraceparent() ?? delivery.traceparent;
    const headers: Record<string, string> = {
      [SIGNATURE_HEADER]: signWebhookPayload(body, secrets),
      [EVENT_ID_HEADER]: delivery.eventId,
      ...(traceparent ? { traceparent } : {}),
    };
    return this.send({ url: delivery.url, body, headers, timeoutMs });
  }

  private record(outcome: DeliveryOutcome, fields: Record<string, unknown>): DeliveryOutcome {
    this.metrics.deliveries.inc({ outcome });
    const level = outcome === 'delivered' ? 'info' : outcome === 'retried' ? 'warn' : 'error';
    this.logger.log(level, `webhook ${outcome}`, fields);
    return outcome;
  }
}
