import Redis from 'ioredis';
import { withTimeout } from '../../shared/timeout';
import type { Cache } from './cache';

// INCR and the first window's PEXPIRE in one step, so a crash between them cannot leave a counter
// that never expires. Returns the count and the milliseconds left in the window.
const INCREMENT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}`;

export interface RedisCacheOptions {
  /** A command without an answer within this long fails (a hung or unreachable server). */
  commandTimeoutMs?: number;
  /** How long the first connection is waited for, and each connection attempt's limit. */
  connectTimeoutMs?: number;
}

/**
 * Fails fast: no offline queue and no retries, so while Redis is unreachable a command fails at
 * once (or after commandTimeoutMs when the server hangs) instead of waiting in a queue for
 * seconds. FallbackCache turns those failures into its in-process fallback. ioredis keeps
 * reconnecting in the background, so Redis coming back is picked up without a restart.
 */
export class RedisCache implements Cache {
  private readonly redis: Redis;
  private readonly firstConnection: Promise<void>;
  private closing: Promise<void> | undefined;

  /** keyPrefix keeps several apps (or test files) apart on one server. */
  constructor(url: string, keyPrefix = 'ocp:', { commandTimeoutMs = 500, connectTimeoutMs = 1_000 }: RedisCacheOptions = {}) {
    this.redis = new Redis(url, {
      keyPrefix,
      lazyConnect: false,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      commandTimeout: commandTimeoutMs,
      connectTimeout: connectTimeoutMs,
      // Reconnect attempts at most a second apart, for ever: recovery without a restart.
      retryStrategy: (times) => Math.min(times * 100, 1_000),
    });
    // Connection errors surface through the commands that fail and /ready; don't crash on the event.
    this.redis.on('error', () => undefined);
    this.redis.defineCommand('ocpIncrement', { numberOfKeys: 1, lua: INCREMENT_SCRIPT });
    // Without an offline queue, a command sent before the first connection is up would fail:
    // commands wait for it, once, at most connectTimeoutMs. Later outages fail at once.
    this.firstConnection = new Promise((resolve) => {
      const timer = setTimeout(resolve, connectTimeoutMs);
      timer.unref();
      this.redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** The client, once the first connection is up or was given up on. */
  private async client(): Promise<Redis> {
    if (this.redis.status !== 'ready') await this.firstConnection;
    return this.redis;
  }

  async get(key: string): Promise<string | null> {
    return (await this.client()).get(key);
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    const redis = await this.client();
    if (ttlMs) await redis.set(key, value, 'PX', ttlMs);
    else await redis.set(key, value);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await (await this.client()).set(key, value, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async increment(key: string, ttlMs: number): Promise<{ count: number; resetAtMs: number }> {
    const redis = (await this.client()) as unknown as { ocpIncrement(k: string, ttl: number): Promise<[number, number]> };
    const [count, ttlLeftMs] = await redis.ocpIncrement(key, ttlMs);
    return { count: Number(count), resetAtMs: Date.now() + Number(ttlLeftMs) };
  }

  async delete(key: string): Promise<void> {
    await (await this.client()).del(key);
  }

  async ping(): Promise<void> {
    await withTimeout((await this.client()).ping(), 1_000, 'Redis');
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
