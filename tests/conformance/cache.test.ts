import { randomBytes } from 'node:crypto';
import type { Cache } from '../../src/infra/cache/cache';
import { MemoryCache } from '../../src/infra/cache/memory-cache';
import { RedisCache } from '../../src/infra/cache/redis-cache';

/** One suite for every Cache adapter: memory always, Redis where REDIS_URL is set. */
const adapters: [string, () => Cache][] = [['MemoryCache', () => new MemoryCache()]];
const redisUrl = process.env.REDIS_URL;
if (redisUrl) adapters.push(['RedisCache', () => new RedisCache(redisUrl, `ocp-test:${randomBytes(6).toString('hex')}:`)]);

const TTL_MS = 150;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(adapters)('%s', (_name, makeCache) => {
  let cache: Cache;
  beforeEach(() => {
    cache = makeCache();
  });
  afterEach(() => cache.close());

  it('when a key was never set, then get returns null', async () => {
    await expect(cache.get('missing')).resolves.toBeNull();
  });

  it("when several keys are read at the same moment, then each read gets its own key's value", async () => {
    await Promise.all([cache.set('a', '1'), cache.set('b', '2')]);
    const reads = await Promise.all(['a', 'missing', 'b', 'a'].map((key) => cache.get(key)));
    expect(reads).toEqual(['1', null, '2', '1']);
  });

  it('when a value is set without TTL, then it is read back and outlives a short wait', async () => {
    await cache.set('plain', 'v1');
    await sleep(TTL_MS + 50);
    await expect(cache.get('plain')).resolves.toBe('v1');
  });

  it('when a value is set with a TTL, then it is gone after the TTL', async () => {
    await cache.set('session', 'abc', TTL_MS);
    await expect(cache.get('session')).resolves.toBe('abc');
    await sleep(TTL_MS + 100);
    await expect(cache.get('session')).resolves.toBeNull();
  });

  it('when a key with a TTL is set again without one, then it no longer expires', async () => {
    await cache.set('k', 'first', TTL_MS);
    await cache.set('k', 'second');
    await sleep(TTL_MS + 100);
    await expect(cache.get('k')).resolves.toBe('second');
  });

  it('when setIfAbsent races on one key, then exactly one caller wins and its value stays', async () => {
    const wins = await Promise.all(Array.from({ length: 10 }, (_, i) => cache.setIfAbsent('lock', `owner-${i}`, 5_000)));
    expect(wins.filter(Boolean)).toHaveLength(1);
    await expect(cache.get('lock')).resolves.toBe(`owner-${wins.indexOf(true)}`);
  });

  it('when a setIfAbsent claim expires, then the key can be claimed again', async () => {
    expect(await cache.setIfAbsent('claim', 'a', TTL_MS)).toBe(true);
    expect(await cache.setIfAbsent('claim', 'b', TTL_MS)).toBe(false);
    await sleep(TTL_MS + 100);
    expect(await cache.setIfAbsent('claim', 'c', TTL_MS)).toBe(true);
    await expect(cache.get('claim')).resolves.toBe('c');
  });

  it('when a counter is incremented concurrently, then every count from 1 to N appears once', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => cache.increment('hits', 60_000)));
    expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('when a counter is incremented within its window, then the window end stays where the first increment put it', async () => {
    const before = Date.now();
    const first = await cache.increment('window', 60_000);
    await sleep(50);
    const second = await cache.increment('window', 60_000);
    expect(first.count).toBe(1);
    expect(second.count).toBe(2);
    expect(first.resetAtMs).toBeGreaterThanOrEqual(before + 59_000);
    expect(first.resetAtMs).toBeLessThanOrEqual(Date.now() + 60_000);
    // Not pushed out by the later increment (a few ms of clock rounding allowed).
    expect(Math.abs(second.resetAtMs - first.resetAtMs)).toBeLessThan(25);
  });

  it('when several counters are incremented in one step, then each counts on its own and keeps its own window', async () => {
    await cache.increment('pair:a', 60_000);
    const [a, b] = await cache.incrementAll(['pair:a', 'pair:b'], 60_000);
    expect(a!.count).toBe(2);
    expect(b!.count).toBe(1);
    expect(b!.resetAtMs).toBeGreaterThanOrEqual(Date.now() + 59_000);
    const [again] = await cache.incrementAll(['pair:b'], 60_000);
    expect(again!.count).toBe(2);
    expect(Math.abs(again!.resetAtMs - b!.resetAtMs)).toBeLessThan(25);
  });

  it('when a counter window expires, then counting starts again at 1', async () => {
    await cache.increment('short', TTL_MS);
    await cache.increment('short', TTL_MS);
    await sleep(TTL_MS + 100);
    await expect(cache.increment('short', TTL_MS)).resolves.toMatchObject({ count: 1 });
  });

  it('when a key is extended only while it holds a value, then another value is left to expire', async () => {
    await cache.set('renewed', 'mine', TTL_MS);
    expect(await cache.extendIfEquals('renewed', 'theirs', 60_000)).toBe(false);
    expect(await cache.extendIfEquals('renewed', 'mine', 60_000)).toBe(true);
    await sleep(TTL_MS + 100);
    await expect(cache.get('renewed')).resolves.toBe('mine');
    expect(await cache.extendIfEquals('never-there', 'x', 60_000)).toBe(false);
    await expect(cache.get('never-there')).resolves.toBeNull();
  });

  it('when a key is deleted only while it holds a value, then another value stays', async () => {
    await cache.set('lease', 'mine', 60_000);
    await cache.deleteIfEquals('lease', 'theirs');
    await expect(cache.get('lease')).resolves.toBe('mine');
    await cache.deleteIfEquals('lease', 'mine');
    await expect(cache.get('lease')).resolves.toBeNull();
    await expect(cache.deleteIfEquals('never-there', 'x')).resolves.toBeUndefined();
  });

  it('when a key is deleted, then it is gone, and deleting a missing key is fine', async () => {
    await cache.set('doomed', 'x');
    await cache.delete('doomed');
    await expect(cache.get('doomed')).resolves.toBeNull();
    await expect(cache.delete('never-there')).resolves.toBeUndefined();
  });

  it('when the cache is up, then ping resolves', async () => {
    await expect(cache.ping()).resolves.toBeUndefined();
  });
});
