import { describe, expect, it } from '@jest/globals';
import { encodeEvents, MemoryEventFanout, Subscribers } from '../../../src/infra/pubsub/event-fanout';
import { newEvent, type DomainEvent } from '../../../src/shared/events';

describe('event fan-out subscribers by event type', () => {
  const ledgerMessage = encodeEvents([newEvent('balance.changed', 'usr_1', { n: 1 }), newEvent('transfer.completed', 'usr_1', {})]);

  it('when every handler names its types, then a message holding none of them need not be parsed', () => {
    const subscribers = new Subscribers();
    subscribers.add(() => undefined, ['tenant.changed']);
    expect(subscribers.mayWant(ledgerMessage)).toBe(false);
    expect(subscribers.mayWant(encodeEvents([newEvent('tenant.changed', 'ten_a', { tenantId: 'ten_a' })]))).toBe(true);
  });

  it('when one handler wants every event, then every message is parsed', () => {
    const subscribers = new Subscribers();
    subscribers.add(() => undefined, ['tenant.changed']);
    subscribers.add(() => undefined);
    expect(subscribers.mayWant(ledgerMessage)).toBe(true);
  });

  it('when events are delivered, then each handler gets only the types it named', () => {
    const fanout = new MemoryEventFanout();
    const tenantOnly: DomainEvent[] = [];
    const all: DomainEvent[] = [];
    fanout.subscribe((event) => tenantOnly.push(event), ['tenant.changed']);
    fanout.subscribe((event) => all.push(event));
    fanout.publish(newEvent('balance.changed', 'usr_1', {}));
    fanout.publish(newEvent('tenant.changed', 'ten_a', { tenantId: 'ten_a' }));
    expect(tenantOnly.map((event) => event.type)).toEqual(['tenant.changed']);
    expect(all.map((event) => event.type)).toEqual(['balance.changed', 'tenant.changed']);
  });
});
