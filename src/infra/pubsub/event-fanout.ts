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

/** An event as it travels between instances (JSON), and back. */
export function encodeEvent(event: DomainEvent): string {
  return JSON.stringify({ ...event, occurredAt: event.occurredAt.toISOString() });
}

export function decodeEvent(text: string): DomainEvent | null {
  try {
    const raw = JSON.parse(text) as Partial<Record<keyof DomainEvent, unknown>>;
    if (typeof raw.id !== 'string' || typeof raw.type !== 'string' || typeof raw.ownerId !== 'string') return null;
    if (typeof raw.occurredAt !== 'string' || typeof raw.data !== 'object' || raw.data === null) return null;
    return {
      id: raw.id,
      type: raw.type,
      ownerId: raw.ownerId,
      occurredAt: new Date(raw.occurredAt),
      data: raw.data as Record<string, unknown>,
    };
  } catch {
    return null;
  }
}
