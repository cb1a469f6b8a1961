import { describe, expect, it } from '@jest/globals';
import { decodeEvents, encodeEvents, MemoryEventFanout } from '../../../src/infra/pubsub/event-fanout';
import { eventStream } from '../../../src/protocols/graphql/subscription-resolvers';
import { newEvent } from '../../../src/shared/events';

describe('GraphQL subscription streams over the event fan-out', () => {
  it('when events are published, then the stream yields only those its filter picks, in order, and return() unsubscribes', async () => {
    const fanout = new MemoryEventFanout();
    let handlers = 0;
    const counting = {
      ...fanout,
      subscribe: (h: Parameters<typeof fanout.subscribe>[0]) => (handlers++, fanout.subscribe(h)),
    } as MemoryEventFanout;
    const stream = eventStream(counting, (e) => (e.ownerId === 'usr_1' ? e.data.n : undefined));
    const next = stream.next();
    fanout.publish(newEvent('balance.changed', 'usr_2', { n: 0 }));
    fanout.publish(newEvent('balance.changed', 'usr_1', { n: 1 }));
    fanout.publish(newEvent('balance.changed', 'usr_1', { n: 2 }));
    expect(await next).toEqual({ value: 1, done: false });
    expect(await stream.next()).toEqual({ value: 2, done: false });
    expect(handlers).toBe(1);
    const pending = stream.next();
    await stream.return!();
    expect(await pending).toEqual({ value: undefined, done: true });
    fanout.publish(newEvent('balance.changed', 'usr_1', { n: 3 }));
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });

  it('when a subscriber falls more than 1,000 events behind, then the oldest are dropped, not kept without bound', async () => {
    const fanout = new MemoryEventFanout();
    const stream = eventStream(fanout, (e) => e.data.n);
    for (let n = 0; n < 1_005; n += 1) fanout.publish(newEvent('balance.changed', 'usr_1', { n }));
    expect(await stream.next()).toEqual({ value: 5, done: false });
    await stream.return!();
  });

  it('when events travel between instances, then they decode to the same events, and garbage decodes to none', () => {
    const events = [
      newEvent('transfer.completed', 'usr_1', { transferId: 'trf_1', amount: '5' }),
      newEvent('balance.changed', 'usr_2', { walletId: 'wal_1' }),
    ];
    expect(decodeEvents(encodeEvents(events))).toEqual(events);
    for (const garbage of [
      '',
      'null',
      '{}',
      '[1]',
      '[{"id":1}]',
      '[{"id":"e","type":"t","ownerId":"o","occurredAt":"x","data":{}}]',
      '{',
    ]) {
      expect(decodeEvents(garbage)).toEqual([]);
    }
    // One bad event does not cost the good ones of its message.
    expect(decodeEvents(`[{"id":1},${encodeEvents(events.slice(0, 1)).slice(1)}`)).toEqual(events.slice(0, 1));
  });
});
