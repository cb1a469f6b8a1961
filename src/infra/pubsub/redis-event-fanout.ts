import Redis from 'ioredis';
import { decodeEvents, encodeEvents, Subscribers, type EventFanout, type FanoutHandler } from './event-fanout';
import type { DomainEvent } from '../../shared/events';

/**
 * Several instances: events are PUBLISHed on one Redis channel and each instance (this one too,
 * through its own subscription) hands what it hears to its subscribers. A subscriber therefore
 * hears an event once, whichever instance posted it. Redis pub/sub keeps nothing: an instance that
 * is not connected at that moment misses the event. The events published in one turn of the event
 * loop (a posting group's, under load) travel as one message: every posting pays for pub/sub
 * whether or not anyone listens, so it pays once per group.
 */
export class RedisEventFanout implements EventFanout {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly subscribers = new Subscribers();
  private readonly ready: Promise<unknown>;
  /** Published in this turn of the event loop, sent together once it ends. */
  private pending: DomainEvent[] = [];

  constructor(
    url: string,
    private readonly channel: string,
    private readonly onError: (error: unknown) => void,
  ) {
    const options = { lazyConnect: false, maxRetriesPerRequest: 0, retryStrategy: (times: number) => Math.min(times * 100, 1_000) };
    this.publisher = new Redis(url, { ...options, enableOfflineQueue: false, enableAutoPipelining: true });
    // The subscriber queues its SUBSCRIBE until connected, and ioredis subscribes again after a reconnect.
    // Without a retry limit: with 0, a SUBSCRIBE sent while Redis was down failed at the first retry,
    // and ioredis only renews subscriptions that were made once, so the instance never heard a thing.
    this.subscriber = new Redis(url, { ...options, maxRetriesPerRequest: null });
    this.publisher.on('error', () => undefined);
    this.subscriber.on('error', () => undefined);
    // Every instance hears every posting group's events; most messages are parsed by none (only
    // GraphQL subscribers want ledger events, the tenant configuration only tenant changes).
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel || !this.subscribers.mayWant(message)) return;
      for (const event of decodeEvents(message)) this.subscribers.deliver(event, this.onError);
    });
    this.ready = this.subscriber.subscribe(this.channel).catch((error: unknown) => this.onError(error));
  }

  /** Resolves once this instance listens on the channel (tests wait for it). */
  whenSubscribed(): Promise<unknown> {
    return this.ready;
  }

  publish(event: DomainEvent): void {
    if (this.pending.length === 0) setImmediate(() => this.flush());
    this.pending.push(event);
  }

  private flush(): void {
    const events = this.pending;
    this.pending = [];
    this.publisher.publish(this.channel, encodeEvents(events)).catch((error: unknown) => this.onError(error));
  }

  subscribe(handler: FanoutHandler, types?: readonly string[]): () => void {
    return this.subscribers.add(handler, types);
  }

  async close(): Promise<void> {
    this.subscribers.clear();
    this.pending = [];
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }
}
