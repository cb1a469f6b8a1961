import type { DomainEvent } from '../../shared/events';

export type FanoutHandler = (event: DomainEvent) => void;

/**
 * Domain events to every instance of OCP, this one included: what one instance posts, a live
 * subscriber on any instance hears (GraphQL subscriptions). Best effort, like the EventBus it
 * extends: an event published while the channel is down is lost (webhooks are the durable road).
 */
export interface EventFanout {
  publish(event: DomainEvent): void;
  /** `types`: only events of these types reach the handler (default: every event). Returns the unsubscribe function. */
  subscribe(handler: FanoutHandler, types?: readonly string[]): () => void;
  close(): Promise<void>;
}

/** One process: events go straight to this process's subscribers. */
export class MemoryEventFanout implements EventFanout {
  private readonly subscribers = new Subscribers();

  constructor(private readonly onError: (error: unknown) => void = () => undefined) {}

  publish(event: DomainEvent): void {
    this.subscribers.deliver(event, this.onError);
  }

  subscribe(handler: FanoutHandler, types?: readonly string[]): () => void {
    return this.subscribers.add(handler, types);
  }

  async close(): Promise<void> {
    this.subscribers.clear();
  }
}

/** The handlers of one fan-out, each with the event types it asked for (undefined: all of them). */
export class Subscribers {
  private readonly handlers = new Map<FanoutHandler, ReadonlySet<string> | undefined>();

  add(handler: FanoutHandler, types?: readonly string[]): () => void {
    this.handlers.set(handler, types && new Set(types));
    return () => this.handlers.delete(handler);
  }

  clear(): void {
    this.handlers.clear();
  }

  /**
   * Whether a message from encodeEvents may hold an event some handler wants, without parsing it:
   * JSON.stringify writes an event's type as "type":"<type>", and types need no escaping. A false
   * "yes" (the text inside some event's data) only costs the parse.
   */
  mayWant(message: string): boolean {
    for (const types of this.handlers.values()) {
      if (!types) return true;
      for (const type of types) if (message.includes(`"type":${JSON.stringify(type)}`)) return true;
    }
    return false;
  }

  deliver(event: DomainEvent, onError: (error: unknown) => void): void {
    for (const [handler, types] of [...this.handlers]) {
      if (types && !types.has(event.type)) continue;
      try {
        handler(event);
      } catch (error) {
        onError(error);
      }
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
