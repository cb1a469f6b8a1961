import Redis from 'ioredis';
import { withTimeout } from '../db/database';
import type { Cache } from './cache';

// INCR and the first window's PEXPIRE in one step, so a crash between them cannot leave a counter
// that never expires. Returns the count and the milliseconds left in the window.
const INCREMENT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}`;

export class RedisCache implements Cache {
  private readonly redis: Redis;
  private closing: Promise<void> | undefined;

  /** keyPrefix keeps several apps (or test files) apart on one server. */
  constructor(url: string, keyPrefix = 'ocp:') {
    this.redis = new Redis(url, {
      keyPrefix,
      lazyConnect: false,
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
      connectTimeout: 5_000,
    });
    // Connection errors surface through the commands that fail and /ready; don't crash on the event.
    this.redis.on('error', () => undefined);
    this.redis.defineCommand('ocpIncrement', { numberOfKeys: 1, lua: INCREMENT_SCRIPT });
  }

  async get(key: string): Promise<string | null> {
    return this.redis.get(key);
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    if (ttlMs) await this.redis.set(key, value, 'PX', ttlMs);
    else await this.redis.set(key, value);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(key, value, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async increment(key: string, ttlMs: number): Promise<{ count: number; resetAtMs: number }> {
    const redis = this.redis as unknown as { ocpIncrement(k: string, ttl: number): Promise<[number, number]> };
    const [count, ttlLeftMs] = await redis.ocpIncrement(key, ttlMs);
    return { count: Number(count), resetAtMs: Date.now() + Number(ttlLeftMs) };
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(key);
  }

  async ping(): Promise<void> {
    await withTimeout(this.redis.ping(), 2_000, 'Redis');
  }

  /**
   * Safe to call twice (shutdown and a test's teardown both close). ioredis still says "ready" just
   * after QUIT answers, and a second QUIT then kept a socket alive for seconds.
   */
  close(): Promise<void> {
    this.closing ??= this.redis.quit().then(
      () => undefined,
      () => this.redis.disconnect(),
    );
    return this.closing;
  }
}
