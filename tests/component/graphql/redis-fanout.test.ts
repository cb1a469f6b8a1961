import { randomBytes } from 'node:crypto';
import type RedisClient from 'ioredis';
import type * as RedisFanout from '../../../src/infra/pubsub/redis-event-fanout';
import type { DomainEvent } from '../../../src/shared/events';
import { newEvent } from '../../../src/shared/events';

// ioredis loads only when Redis is there, as in the app.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const redisFanout = () => require('../../../src/infra/pubsub/redis-event-fanout') as typeof RedisFanout;
const onRedis = process.env.REDIS_URL ? describe : describe.skip;

onRedis('the Redis event fan-out', () => {
  it('when events are published in one turn of the event loop, then they travel as one message and every instance hears each once', async () => {
    const channel = `ocp-test-fanout:${randomBytes(6).toString('hex')}`;
    const [a, b] = [0, 1].map(() => new (redisFanout().RedisEventFanout)(process.env.REDIS_URL!, channel, () => undefined));
    try {
      await Promise.all([a!.whenSubscribed(), b!.whenSubscribed()]);
      const heard: DomainEvent[] = [];
      b!.subscribe((event) => heard.push(event));
      const messages: string[] = [];
      // A third listener on the raw channel counts the messages.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const Redis = require('ioredis') as typeof RedisClient;
      const raw = new Redis(process.env.REDIS_URL!);
      await raw.subscribe(channel);
      raw.on('message', (_channel: string, message: string) => messages.push(message));
      try {
        const events = [1, 2, 3].map((n) => newEvent('balance.changed', 'usr_1', { n }));
        for (const event of events) a!.publish(event);
        for (let i = 0; i < 100 && heard.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
        expect(heard.map((event) => event.data.n)).toEqual([1, 2, 3]);
        expect(messages).toHaveLength(1);
      } finally {
        raw.disconnect();
      }
    } finally {
      await Promise.all([a!.close(), b!.close()]);
    }
  });
});
