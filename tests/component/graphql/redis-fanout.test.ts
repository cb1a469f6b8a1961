import { randomBytes } from 'node:crypto';
import { createServer, connect, type AddressInfo } from 'node:net';
import type RedisClient from 'ioredis';
import type * as RedisFanout from '../../../src/infra/pubsub/redis-event-fanout';
import type { DomainEvent } from '../../../src/shared/events';
import { newEvent } from '../../../src/shared/events';

// ioredis loads only when Redis is there, as in the app.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const redisFanout = () => require('../../../src/infra/pubsub/redis-event-fanout') as typeof RedisFanout;
const onRedis = process.env.REDIS_URL ? describe : describe.skip;

onRedis('the Redis event fan-out', () => {
  /** Two instances on a channel of their own, both listening; closed after `use`. */
  const twoInstances = async (
    use: (a: RedisFanout.RedisEventFanout, b: RedisFanout.RedisEventFanout, channel: string) => Promise<void>,
  ) => {
    const channel = `ocp-test-fanout:${randomBytes(6).toString('hex')}`;
    const [a, b] = [0, 1].map(() => new (redisFanout().RedisEventFanout)(process.env.REDIS_URL!, channel, () => undefined)) as [
      RedisFanout.RedisEventFanout,
      RedisFanout.RedisEventFanout,
    ];
    try {
      await Promise.all([a.whenSubscribed(), b.whenSubscribed()]);
      await use(a, b, channel);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  };

  it('when events are published in one turn of the event loop, then they travel as one message and every instance hears each once', async () => {
    await twoInstances(async (a, b, channel) => {
      const heard: DomainEvent[] = [];
      b.subscribe((event) => heard.push(event));
      const messages: string[] = [];
      // A third listener on the raw channel counts the messages.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const Redis = require('ioredis') as typeof RedisClient;
      const raw = new Redis(process.env.REDIS_URL!);
      await raw.subscribe(channel);
      raw.on('message', (_channel: string, message: string) => messages.push(message));
      try {
        const events = [1, 2, 3].map((n) => newEvent('balance.changed', 'usr_1', { n }));
        for (const event of events) a.publish(event);
        for (let i = 0; i < 100 && heard.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
        expect(heard.map((event) => event.data.n)).toEqual([1, 2, 3]);
        expect(messages).toHaveLength(1);
      } finally {
        raw.disconnect();
      }
    });
  });

  it('when a subscriber names the event types it wants, then it hears only those from other instances', async () => {
    await twoInstances(async (a, b) => {
      const heard: DomainEvent[] = [];
      b.subscribe((event) => heard.push(event), ['tenant.changed']);
      a.publish(newEvent('balance.changed', 'usr_1', { n: 1 }));
      await new Promise((r) => setImmediate(r)); // the next turn: a message of its own
      a.publish(newEvent('tenant.changed', 'ten_a', { tenantId: 'ten_a' }));
      for (let i = 0; i < 100 && heard.length < 1; i++) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 100));
      expect(heard.map((event) => event.type)).toEqual(['tenant.changed']);
    });
  });

  it('when Redis is unreachable as an instance starts and comes back, then the instance subscribes and hears events without a restart', async () => {
    const channel = `ocp-test-fanout:${randomBytes(6).toString('hex')}`;
    const redis = new URL(process.env.REDIS_URL!);
    // A port where Redis is not yet: nothing listens until the proxy below opens it.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    const late = new (redisFanout().RedisEventFanout)(`redis://127.0.0.1:${port}`, channel, () => undefined);
    const heard: DomainEvent[] = [];
    late.subscribe((event) => heard.push(event));
    const proxy = createServer((client) => {
      const upstream = connect(Number(redis.port || 6379), redis.hostname);
      client
        .on('error', () => undefined)
        .pipe(upstream.on('error', () => undefined))
        .pipe(client);
    });
    const publisher = new (redisFanout().RedisEventFanout)(process.env.REDIS_URL!, channel, () => undefined);
    try {
      await new Promise((resolve) => setTimeout(resolve, 500)); // a few reconnection attempts fail
      await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve));
      await late.whenSubscribed();
      await publisher.whenSubscribed();
      for (let i = 0; i < 100 && heard.length === 0; i++) {
        if (i % 10 === 0) publisher.publish(newEvent('balance.changed', 'usr_1', { n: i }));
        await new Promise((r) => setTimeout(r, 30));
      }
      expect(heard[0]).toMatchObject({ type: 'balance.changed', ownerId: 'usr_1' });
    } finally {
      await Promise.all([late.close(), publisher.close()]);
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
