import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { RedisCache } from '../../src/infra/cache/redis-cache';

const redisUrl = process.env.REDIS_URL;

/** Each command costs the API CPU, so RedisCache sends what requests ask together as one (redis-cache.ts). */
(redisUrl ? describe : describe.skip)('RedisCache batching', () => {
  let cache: RedisCache;
  let commands: string[];
  let spy: jest.SpyInstance;
  beforeEach(() => {
    cache = new RedisCache(redisUrl!, `ocp-test:${randomBytes(6).toString('hex')}:`);
    commands = [];
    // Called back with the client as `this`, below.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const send = Redis.prototype.sendCommand as (...args: unknown[]) => unknown;
    spy = jest.spyOn(Redis.prototype, 'sendCommand').mockImplementation(function (this: Redis, ...args: unknown[]) {
      commands.push((args[0] as { name: string }).name);
      return send.apply(this, args);
    } as never);
  });
  afterEach(async () => {
    spy.mockRestore();
    await cache.close();
  });

  /** A request each: each arrives in its own turn of the event loop, as requests on their own sockets do. */
  const inTurns = <T>(count: number, request: (i: number) => Promise<T>): Promise<T[]> =>
    Promise.all(
      Array.from({ length: count }, (_, i) => new Promise<T>((resolve, reject) => setImmediate(() => request(i).then(resolve, reject)))),
    );

  it('when a lone request asks two markers and counts its limits, then each goes as one command', async () => {
    await cache.set('revoked:a', 'yes');
    commands = [];
    expect(await Promise.all([cache.get('revoked:a'), cache.get('locked:a')])).toEqual(['yes', null]);
    expect(await cache.incrementAll(['rl:ip', 'rl:user'], 60_000)).toMatchObject([{ count: 1 }, { count: 1 }]);
    expect(commands.filter((name) => name !== 'ping')).toEqual(['mget', 'evalsha']);
  });

  it('when 200 requests arrive in turns while commands are in flight, then fewer commands carry them and each gets its own answers', async () => {
    await Promise.all(Array.from({ length: 200 }, (_, i) => cache.set(`marker:${i}`, String(i))));
    commands = [];
    const markers = await inTurns(200, (i) => Promise.all([cache.get(`marker:${i}`), cache.get(`other:${i}`)]));
    expect(markers).toEqual(Array.from({ length: 200 }, (_, i) => [String(i), null]));
    const reads = commands.filter((name) => name === 'mget' || name === 'get').length;
    expect(reads).toBeLessThan(100);

    commands = [];
    // Every request counts the shared key and its own: the shared one's counts are 1 to 200, once each.
    const counted = await inTurns(200, (i) => cache.incrementAll(['rl:shared', `rl:own:${i}`], 60_000));
    expect(counted.map(([shared]) => shared!.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(counted.every(([, own]) => own!.count === 1 && own!.resetAtMs > Date.now())).toBe(true);
    const scripts = commands.filter((name) => name === 'evalsha' || name === 'eval').length;
    expect(scripts).toBeLessThan(100);
  });

  it('when 200 requests claim keys in turns, then fewer commands carry them, one claim of each key wins, and releases remove only their own', async () => {
    // Every key is claimed twice, by requests with different values: the first claim sent wins.
    const claimed = await inTurns(400, (i) => cache.setIfAbsent(`lease:${i % 200}`, `token:${i}`, 60_000));
    expect(claimed.filter(Boolean)).toHaveLength(200);
    for (let key = 0; key < 200; key++) expect(claimed[key]! !== claimed[key + 200]!).toBe(true);
    const claims = commands.filter((name) => name === 'set' || name === 'evalsha' || name === 'eval').length;
    expect(claims).toBeLessThan(200);

    commands = [];
    // Both claimants release: only the winner's token matches, so each key goes exactly once.
    await inTurns(400, (i) => cache.deleteIfEquals(`lease:${i % 200}`, `token:${i}`));
    expect(await Promise.all(Array.from({ length: 200 }, (_, key) => cache.get(`lease:${key}`)))).toEqual(Array(200).fill(null));
    expect(commands.filter((name) => name === 'evalsha' || name === 'eval').length).toBeLessThan(200);
    // A release with another value leaves the key alone.
    expect(await cache.setIfAbsent('lease:kept', 'mine', 60_000)).toBe(true);
    await cache.deleteIfEquals('lease:kept', 'not-mine');
    expect(await cache.get('lease:kept')).toBe('mine');
  });

  it('when counts of different windows are asked together, then each is counted in its own window', async () => {
    const [short, long] = await Promise.all([cache.incrementAll(['w:short'], 1_000), cache.incrementAll(['w:long'], 60_000)]);
    expect(short![0]!.resetAtMs - Date.now()).toBeLessThanOrEqual(1_000);
    expect(long![0]!.resetAtMs - Date.now()).toBeGreaterThan(1_000);
  });
});
