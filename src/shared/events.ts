import { randomUUID } from 'node:crypto';

/**
 * A domain event: something that happened, told after the fact. `ownerId` is the user whose
 * webhooks may receive it. Events carry an id so receivers can drop duplicates.
 */
export interface DomainEvent<T extends string = string, D = Record<string, unknown>> {
  id: string;
  type: T;
  occurredAt: Date;
  ownerId: string;
  data: D;
  /** The W3C traceparent of the work that caused it, when that is not the active one (a posting-queue group). */
  traceparent?: string;
}

export function newEvent<T extends string, D>(type: T, ownerId: string, data: D): DomainEvent<T, D> {
  return { id: `evt_${randomUUID()}`, type, occurredAt: new Date(), ownerId, data };
}

type Handler = (event: DomainEvent) => void | Promise<void>;

/**
 * In-process publish/subscribe, for effects that may be lost with the process (metrics, caches).
 * What must not be lost (webhooks) goes through the outbox in the same transaction as the change.
 * A failing subscriber is reported to onError and never breaks the publisher or other subscribers.
 */
export class EventBus {
  private readonly handlers = new Map<string, Handler[]>();

  constructor(private readonly onError: (error: unknown, event: DomainEvent) => void) {}

  /** type '*' receives every event. */
  subscribe(type: string, handler: Handler): () => void {
    const list = this.handlers.get(type) ?? [];
    list.push(handler);
    this.handlers.set(type, list);
    return () =>
      this.handlers.set(
        type,
        (this.handlers.get(type) ?? []).filter((h) => h !== handler),
      );
  }

  publish(events: readonly DomainEvent[]): void {
    for (const event of events) {
      for (const handler of [...(this.handlers.get(event.type) ?? []), ...(this.handlers.get('*') ?? [])]) {
        try {
          const result = handler(event);
          if (result instanceof Promise) result.catch((error: unknown) => this.onError(error, event));
        } catch (error) {
          this.onError(error, event);
        }
      }
    }
  }
}
