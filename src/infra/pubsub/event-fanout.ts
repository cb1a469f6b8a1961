import type { DomainEvent } from '../../shared/events';

export type FanoutHandler = (event: DomainEvent) => void;

/**
 * Domain events to every instance of OCP, this one included: what one instance posts, a live
 * subscriber on any instance hears (GraphQL subscriptions). Best effort, like the EventBus it
 * extends: an event published while the channel is down is lost (webhooks are the durable road).
 */
export interface EventFanout {
  publish(event: DomainEvent): void;
  /** Returns the unsubscribe function. */
  subscribe(handler: FanoutHandler): () => void;
  close(): Promise<void>;
}

/** One process: events go straight to this process's subscribers. */
export class MemoryEventFanout implements EventFanout {
  private readonly handlers = new Set<FanoutHandler>();

  constructor(private readonly onError: (error: unknown) => void = () => undefined) {}

  publish(event: DomainEvent): void {
    deliver(this.handlers, event, this.onError);
  }

  subscribe(handler: FanoutHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}

export function deliver(handlers: Iterable<FanoutHandler>, event: DomainEvent, onError: (error: unknown) => void): void {
  for (const handler of [...handlers]) {
    try {
      handler(event);
    } catch (error) {
      onError(error);
    }
  }
}

/** Events as they travel between instances (one JSON array per message), and back. */
export function encodeEvents(events: readonly DomainEvent[]): string {
  return JSON.stringify(events.map((event) => ({ ...event, occurredAt: event.occurredAt.toISOString() })));
}

/** The well-formed events of a message; anything else in it is dropped. */
export function decodeEvents(text: string): DomainEvent[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return [];
  }
  return Array.isArray(raw) ? raw.flatMap((item) => decodeEvent(item) ?? []) : [];
}

function decodeEvent(item: unknown): DomainEvent | null {
  if (typeof item !== 'object' || item === null) return null;
  const raw = item as Partial<Record<keyof DomainEvent, unknown>>;
  if (typeof raw.id !== 'string' || typeof raw.type !== 'string' || typeof raw.ownerId !== 'string') return null;
  if (typeof raw.occurredAt !== 'string' || typeof raw.data !== 'object' || raw.data === null) return null;
  const occurredAt = new Date(raw.occurredAt);
  if (Number.isNaN(occurredAt.getTime())) return null;
  return { id: raw.id, type: raw.type, ownerId: raw.ownerId, occurredAt, data: raw.data as Record<string, unknown> };
}
