import type { Encryptor } from '../../infra/crypto/envelope';
import type { Logger } from '../../infra/logger';
import { Periodic } from '../../infra/periodic';
import type { WebhookResponse, WebhookSender } from './http-webhook-sender';
import { retryDelayMs } from './retry-delay';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signWebhookPayload } from './signature';
import type { DeliveryOutcome, WebhookMetrics } from './webhook.metrics';
import type { ClaimedDelivery, WebhookDeliveryStore } from './webhook.repository';

export interface DeliveryWorkerOptions {
  maxAttempts: number;
  batchSize: number;
  timeoutMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export type RunSummary = Record<DeliveryOutcome, number> & { claimed: number };

/**
 * Sends what the outbox holds. Each run leases a bounded batch (safe with several instances),
 * POSTs every delivery signed with its endpoint's secret, and records the outcome: 2xx is
 * delivered; anything else is retried with backoff until maxAttempts, then failed.
 */
export class WebhookDeliveryWorker {
  private readonly loop: Periodic;

  constructor(
    private readonly store: WebhookDeliveryStore,
    private readonly encryptor: Encryptor,
    private readonly send: WebhookSender,
    private readonly logger: Logger,
    private readonly metrics: WebhookMetrics,
    private readonly options: DeliveryWorkerOptions,
  ) {
    // A full batch means more may be due: run again at once.
    this.loop = new Periodic('webhook worker', async () => (await this.runOnce()).claimed === options.batchSize, logger);
  }

  /** One batch. Errors: only the claim query's (a database outage); per-delivery ones are recorded. */
  async runOnce(): Promise<RunSummary> {
    // The lease outlives the slowest possible attempt, so no other worker takes a row mid-send.
    const leaseMs = this.options.timeoutMs * 2 + 30_000;
    const claimed = await this.store.claimDue(this.options.batchSize, leaseMs);
    const summary: RunSummary = { claimed: claimed.length, delivered: 0, retried: 0, failed: 0 };
    const outcomes = await Promise.all(claimed.map((delivery) => this.attempt(delivery)));
    for (const outcome of outcomes) if (outcome) summary[outcome] += 1;
    return summary;
  }

  /** Runs batches every intervalMs (at once again after a full batch) until stop(). */
  start(intervalMs: number): void {
    this.loop.start(intervalMs);
  }

  /** Stops scheduling and waits for the batch in flight, so close() can release the pool after. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async attempt(delivery: ClaimedDelivery): Promise<DeliveryOutcome | undefined> {
    const context = { deliveryId: delivery.id, eventId: delivery.eventId, endpointId: delivery.endpointId, attempt: delivery.attempts };
    try {
      const response = await this.sendSigned(delivery);
      if (response.ok) {
        await this.store.markDelivered(delivery);
        return this.record('delivered', context);
      }
      const reason = 'status' in response ? `HTTP ${response.status}` : response.error;
      if (delivery.attempts >= this.options.maxAttempts) {
        await this.store.markFailed(delivery, reason);
        return this.record('failed', { ...context, reason });
      }
      const delayMs = retryDelayMs(delivery.attempts, this.options.backoffBaseMs, this.options.backoffMaxMs);
      await this.store.scheduleRetry(delivery, delayMs, reason);
      return this.record('retried', { ...context, reason, delayMs });
    } catch (error) {
      // The outcome could not be recorded (database down): the lease expires and the delivery
      // is attempted again.
      this.logger.error('webhook delivery could not be recorded', { ...context, error });
      return undefined;
    }
  }

  private async sendSigned(delivery: ClaimedDelivery): Promise<WebhookResponse> {
    let secret: string;
    try {
      secret = this.encryptor.decrypt(delivery.secretCiphertext, delivery.endpointId).toString('utf8');
    } catch {
      // A key id missing from ENCRYPTION_KEYS: counted as a failed attempt, so it ends failed
      // instead of being leased again forever.
      return { ok: false, error: 'signing secret could not be decrypted' };
    }
    const body = JSON.stringify({
      id: delivery.eventId,
      type: delivery.eventType,
      createdAt: delivery.occurredAt.toISOString(),
      data: delivery.data,
    });
    const headers: Record<string, string> = {
      [SIGNATURE_HEADER]: signWebhookPayload(body, secret),
      [EVENT_ID_HEADER]: delivery.eventId,
      ...(delivery.traceparent ? { traceparent: delivery.traceparent } : {}),
    };
    return this.send({ url: delivery.url, body, headers });
  }

  private record(outcome: DeliveryOutcome, fields: Record<string, unknown>): DeliveryOutcome {
    this.metrics.deliveries.inc({ outcome });
    const level = outcome === 'delivered' ? 'info' : outcome === 'retried' ? 'warn' : 'error';
    this.logger.log(level, `webhook ${outcome}`, fields);
    return outcome;
  }
}
