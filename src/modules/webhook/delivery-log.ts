import type { Logger } from '../../infra/logger';
import { requestContext } from '../../infra/request-context';
import { activeTraceparent } from '../../infra/tracing/spans';
import { newEvent } from '../../shared/events';
import { Conflict, NotFound } from '../../shared/errors';
import { toPage, type Cursor, type Page } from '../../shared/pagination';
import type { DeliveryRecord, DeliveryStatus, WebhookDeliveryStore, WebhookEndpointRepository } from './webhook.repository';

/** The event type of POST /webhooks/{id}/test: sent to that endpoint only, never subscribed to. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

/**
 * What happened to an endpoint's deliveries, and sending again. `ownerId` scopes every call to the
 * caller's own endpoints; admins pass undefined (any account). Another owner's endpoint is
 * answered exactly like a missing one, so ids cannot be probed.
 */
export class WebhookDeliveryLog {
  constructor(
    private readonly endpoints: WebhookEndpointRepository,
    private readonly store: WebhookDeliveryStore,
    private readonly logger: Logger,
  ) {}

  /** Newest first. Errors: webhook_not_found (404). */
  async list(
    ownerId: string | undefined,
    endpointId: string,
    query: { status?: DeliveryStatus; limit: number; cursor?: Cursor },
  ): Promise<Page<DeliveryRecord>> {
    await this.endpointOf(ownerId, endpointId);
    const rows = await this.store.listByEndpoint(endpointId, { status: query.status, limit: query.limit + 1, after: query.cursor });
    return toPage(rows, query.limit);
  }

  /**
   * Queues the same event (same event id, so receivers drop the duplicate) for a new round of
   * attempts now; the worker signs it with the endpoint's secret at sending time.
   * Errors: webhook_not_found, webhook_delivery_not_found (404), webhook_delivery_pending (409).
   */
  async redeliver(ownerId: string | undefined, endpointId: string, deliveryId: string): Promise<DeliveryRecord> {
    await this.endpointOf(ownerId, endpointId);
    const requeued = await this.store.requeueSettled(endpointId, deliveryId);
    if (requeued) {
      this.logger.info('webhook delivery requeued', { endpointId, deliveryId, eventId: requeued.eventId });
      return requeued;
    }
    if (!(await this.store.findByEndpoint(endpointId, deliveryId))) {
      throw new NotFound('Webhook delivery not found', 'webhook_delivery_not_found');
    }
    throw new Conflict('webhook_delivery_pending', 'The delivery is still queued or being sent; redeliver it once it has settled');
  }

  /** Queues a webhook.test event to this endpoint only. Errors: webhook_not_found (404). */
  async sendTest(ownerId: string, endpointId: string): Promise<DeliveryRecord> {
    const endpoint = await this.endpointOf(ownerId, endpointId);
    const event = newEvent(WEBHOOK_TEST_EVENT, endpoint.ownerId, { endpointId, message: 'A test event from OCP' });
    const traceparent = activeTraceparent() ?? requestContext.current()?.traceparent;
    const delivery = await this.store.enqueueToEndpoint(endpointId, { ...event, ...(traceparent ? { traceparent } : {}) });
    this.logger.info('webhook test event queued', { endpointId, deliveryId: delivery.id, eventId: event.id });
    return delivery;
  }

  private async endpointOf(ownerId: string | undefined, endpointId: string) {
    const endpoint = await this.endpoints.find(endpointId, ownerId);
    if (!endpoint) throw new NotFound('Webhook endpoint not found', 'webhook_not_found');
    return endpoint;
  }
}
