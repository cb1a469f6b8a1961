import type { Transaction } from '../../shared/transaction';
import { requestContext } from '../../infra/request-context';
import { activeTraceparent } from '../../infra/tracing/spans';
import type { DomainEvent } from '../../shared/events';
import type { WebhookDeliveryStore } from './webhook.repository';

/** Money travels as bigint; in a webhook body it is a string of digits, as in the API. */
function toPlainJson(data: unknown): unknown {
  return JSON.parse(JSON.stringify(data ?? {}, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)));
}

/**
 * The transactional outbox for webhooks. Services call `enqueue` inside the database transaction
 * that makes the change, so the deliveries commit or roll back with it: a rolled-back transfer is
 * never announced, a committed one always is (at least once; receivers dedupe by event id).
 */
export class WebhookOutbox {
  constructor(private readonly store: WebhookDeliveryStore) {}

  /**
   * Writes one pending delivery per endpoint of `event.ownerId` that subscribes to `event.type`.
   * One query for the whole batch, an index probe when the owner has no endpoints.
   * Returns the number of deliveries written. Errors: only the database's (they abort `tx`).
   */
  async enqueue(tx: Transaction, events: readonly DomainEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    // The active span's when tracing is on, so a receiver continues the real trace.
    const current = activeTraceparent() ?? requestContext.current()?.traceparent;
    return this.store.enqueue(
      tx,
      events.map(({ traceparent = current, ...event }) => ({
        id: event.id,
        type: event.type,
        ownerId: event.ownerId,
        occurredAt: event.occurredAt,
        data: toPlainJson(event.data),
        ...(traceparent ? { traceparent } : {}),
      })),
    );
  }
}
