import Redis from 'ioredis';
import { withTimeout } from '../../shared/timeout';
import type { Cache, WindowCount } from './cache';

// For each key: INCR and the first window's PEXPIRE in one step, so a crash between them cannot
// leave a counter that never expires. Returns each key's count and the milliseconds left in its window.
const INCREMENT_SCRIPT = `
local result = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if count == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then redis.call('PEXPIRE', key, ARGV[1]); ttl = tonumber(ARGV[1]) end
  result[2 * i - 1] = count
  result[2 * i] = ttl
end
return result`;

const DELETE_IF_EQUALS_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0`;

const EXTEND_IF_EQUALS_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

interface PendingRead {
  key: string;
  resolve: (value: string | null) => void;
  reject: (error: unknown) => void;
}

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
  /** Reads asked in the current tick, sent together as one MGET when it ends. */
  private pendingReads: PendingRead[] | null = null;

  /** keyPrefix keeps several apps (or test files) apart on one server. */
  constructor(url: string, keyPrefix = 'ocp:', { commandTimeoutMs = 500, connectTimeoutMs = 1_000 }: RedisCacheOptions = {}) {
    this.redis = new Redis(url, {
      keyPrefix,
      lazyConnect: false,
      enableAutoPipelining: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      commandTimeout: commandTimeoutMs,
      connectTimeout: connectTimeoutMs,
      // Reconnect attempts at most a second apart, for ever: recovery without a restart.
      retryStrategy: (times) => Math.min(times * 100, 1_000),
    });
    // Connection errors surface through the commands that fail and /ready; don't crash on the event.
    this.redis.on('error', () => undefined);
    this.redis.defineCommand('ocpIncrement', { lua: INCREMENT_SCRIPT });
    this.redis.defineCommand('ocpDeleteIfEquals', { numberOfKeys: 1, lua: DELETE_IF_EQUALS_SCRIPT });
    this.redis.defineCommand('ocpExtendIfEquals', { numberOfKeys: 1, lua: EXTEND_IF_EQUALS_SCRIPT });
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

  /**
   * Reads asked in the same tick go as one MGET: every authenticated request asks two markers side
   * by side (its token's revocation and its login's lock), and requests arriving together ask theirs
   * at once. Each command costs the API more CPU than its bytes, so one command serves them all.
   */
  get(key: string): Promise<string | null> {
    return new Promise((resolve, reject) => {
      if (!this.pendingReads) {
        this.pendingReads = [];
        process.nextTick(() => void this.sendReads());
      }
      this.pendingReads.push({ key, resolve, reject });
    });
  }

  private async sendReads(): Promise<void> {
    const reads = this.pendingReads!;
    this.pendingReads = null;
    try {
      const redis = await this.client();
      const values = reads.length === 1 ? [await redis.get(reads[0]!.key)] : await redis.mget(reads.map((read) => read.key));
      reads.forEach((read, i) => read.resolve(values[i] ?? null));
    } catch (error) {
      for (const read of reads) read.reject(error);
    }
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    const redis = await this.client();
    if (ttlMs) await redis.set(key, value, 'PX', ttlMs);
    else await redis.set(key, value);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await (await this.client()).set(key, value, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async increment(key: string, ttlMs: number): Promise<WindowCount> {
    return (await this.incrementAll([key], ttlMs))[0]!;
  }

  async incrementAll(keys: readonly string[], ttlMs: number): Promise<WindowCount[]> {
    const redis = (await this.client()) as unknown as { ocpIncrement(n: number, ...args: Array<string | number>): Promise<number[]> };
    const reply = await redis.ocpIncrement(keys.length, ...keys, ttlMs);
    const now = Date.now();
    return keys.map((_, i) => ({ count: Number(reply[2 * i]), resetAtMs: now + Number(reply[2 * i + 1]) }));
  }

  async delete(key: string): Promise<void> {
    await (await this.client()).del(key);
  }

  async deleteIfEquals(key: string, value: string): Promise<void> {
    const redis = (await this.client()) as unknown as { ocpDeleteIfEquals(key: string, value: string): Promise<number> };
    await redis.ocpDeleteIfEquals(key, value);
  }

  async extendIfEquals(key: string, value: string, ttlMs: number): Promise<boolean> {
    const redis = (await this.client()) as unknown as { ocpExtendIfEquals(key: string, value: string, ttl: number): Promise<number> };
    return (await redis.ocpExtendIfEquals(key, value, ttlMs)) === 1;
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
