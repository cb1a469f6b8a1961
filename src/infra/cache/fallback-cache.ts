import type { Config } from '../../config/config';
import type { Logger } from '../logger';
import type { Cache, DegradableCache, WindowCount } from './cache';
import { MemoryCache } from './memory-cache';
import type * as RedisCacheModule from './redis-cache';

/**
 * The app's cache: Redis behind the in-process fallback when REDIS_URL is set (a lost Redis fails
 * fast and degrades instead of stalling every request), else the in-memory cache.
 */
export function openCache(
  config: Pick<Config, 'REDIS_URL' | 'REDIS_COMMAND_TIMEOUT_MS' | 'REDIS_PROBE_INTERVAL_MS'>,
  logger: Logger,
): Cache {
  if (!config.REDIS_URL) return new MemoryCache();
  // ioredis loads only when Redis is configured: an embedded deployment (and every test app on it) never needs it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { RedisCache } = require('./redis-cache') as typeof RedisCacheModule;
  const redis = new RedisCache(config.REDIS_URL, 'ocp:', { commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS });
  return new FallbackCache(redis, { logger, probeIntervalMs: config.REDIS_PROBE_INTERVAL_MS });
}

export interface FallbackCacheOptions {
  logger: Logger;
  /** While degraded, the shared cache is pinged this often; the first answer switches back. */
  probeIntervalMs: number;
}

// Replies that mean "not available right now" rather than a wrong command.
const UNAVAILABLE_REPLY = /^(LOADING|READONLY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN)\b/;

function unreachable(error: unknown): boolean {
  // ioredis's ReplyError (a Redis error reply), told by name: ioredis itself is not loaded here.
  if (error instanceof Error && error.name === 'ReplyError') return UNAVAILABLE_REPLY.test(error.message);
  return true;
}

/**
 * The shared cache (Redis) with an in-process fallback. When a command fails because Redis is
 * unreachable, this instance switches to a MemoryCache: reads miss what Redis held, writes stay
 * local, rate limits count per instance. It says so once (a warning, `degraded`, /ready, the
 * `ocp_cache_degraded` gauge) and pings Redis every probeIntervalMs; the first answer switches back.
 *
 * Before switching back, every key written or deleted here while degraded is deleted in Redis:
 * an invalidation (a wallet's threshold, an auto top-up rule) that could not reach Redis must not
 * leave Redis serving the stale value, and what only lived here (a payment session) is gone
 * either way. Then the `onRecovered` listeners run (login-lock markers are rewritten from the
 * database). Money never depends on the cache: idempotency keys are unique in the database.
 */
export class FallbackCache implements DegradableCache {
  private memory = new MemoryCache();
  /** Keys set or deleted in memory while degraded: removed from Redis before switching back. */
  private readonly touched = new Set<string>();
  private degradedSinceMs: number | null = null;
  private probe: NodeJS.Timeout | undefined;
  private restoring: Promise<void> | undefined;
  private readonly recoveredListeners: (() => Promise<void>)[] = [];
  private closed = false;

  constructor(
    private readonly shared: Cache,
    private readonly options: FallbackCacheOptions,
  ) {}

  get degraded(): boolean {
    return this.degradedSinceMs !== null;
  }

  /** Runs each time Redis is used again after an outage (e.g. to rewrite markers from the database). */
  onRecovered(listener: () => Promise<void>): void {
    this.recoveredListeners.push(listener);
  }

  get(key: string): Promise<string | null> {
    return this.run(
      (c) => c.get(key),
      (m) => m.get(key),
    );
  }

  set(key: string, value: string, ttlMs?: number): Promise<void> {
    return this.run(
      (c) => c.set(key, value, ttlMs),
      (m) => this.touch(key, m.set(key, value, ttlMs)),
    );
  }

  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return this.run(
      (c) => c.setIfAbsent(key, value, ttlMs),
      (m) => this.touch(key, m.setIfAbsent(key, value, ttlMs)),
    );
  }

  /** Counters are not tracked: the ones Redis holds simply expire with their window. */
  increment(key: string, ttlMs: number): Promise<WindowCount> {
    return this.run(
      (c) => c.increment(key, ttlMs),
      (m) => m.increment(key, ttlMs),
    );
  }

  incrementAll(keys: readonly string[], ttlMs: number): Promise<WindowCount[]> {
    return this.run(
      (c) => c.incrementAll(keys, ttlMs),
      (m) => m.incrementAll(keys, ttlMs),
    );
  }

  delete(key: string): Promise<void> {
    return this.run(
      (c) => c.delete(key),
      (m) => this.touch(key, m.delete(key)),
    );
  }

  deleteIfEquals(key: string, value: string): Promise<void> {
    return this.run(
      (c) => c.deleteIfEquals(key, value),
      (m) => this.touch(key, m.deleteIfEquals(key, value)),
    );
  }

  extendIfEquals(key: string, value: string, ttlMs: number): Promise<boolean> {
    return this.run(
      (c) => c.extendIfEquals(key, value, ttlMs),
      (m) => this.touch(key, m.extendIfEquals(key, value, ttlMs)),
    );
  }

  /** Redis itself: /ready reports whether the shared cache answers. */
  ping(): Promise<void> {
    return this.shared.ping();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.probe);
    this.probe = undefined;
    await this.restoring?.catch(() => undefined);
    await this.memory.close();
    await this.shared.close();
  }

  private async run<T>(onShared: (c: Cache) => Promise<T>, onMemory: (m: MemoryCache) => Promise<T>): Promise<T> {
    if (!this.degraded) {
      try {
        return await onShared(this.shared);
      } catch (error) {
        if (!unreachable(error)) throw error;
        this.degrade(error);
      }
    }
    return onMemory(this.memory);
  }

  private touch<T>(key: string, result: Promise<T>): Promise<T> {
    this.touched.add(key);
    return result;
  }

  private degrade(error: unknown): void {
    if (this.degraded || this.closed) return;
    this.degradedSinceMs = Date.now();
    this.options.logger.warn('cache degraded: Redis unreachable; using the in-process cache (rate limits per instance)', {
      error: error instanceof Error ? error.message : String(error),
    });
    this.probe = setInterval(() => void this.tryRestore(), this.options.probeIntervalMs);
    this.probe.unref();
  }

  private tryRestore(): Promise<void> {
    this.restoring ??= this.restore()
      .catch(() => undefined) // Still unreachable, or unreachable again: the next tick tries again.
      .finally(() => {
        this.restoring = undefined;
      });
    return this.restoring;
  }

  private async restore(): Promise<void> {
    if (!this.degraded || this.closed) return;
    await this.shared.ping();
    // Requests still write here meanwhile: loop until no touched key is left undeleted, then switch
    // with no await in between.
    const deleted = new Set<string>();
    for (;;) {
      const pending = [...this.touched].filter((key) => !deleted.has(key)).slice(0, 100);
      if (pending.length === 0) break;
      await Promise.all(pending.map((key) => this.shared.delete(key)));
      for (const key of pending) deleted.add(key);
    }
    if (this.closed) return;
    const keys = deleted;
    const degradedForMs = Date.now() - (this.degradedSinceMs ?? Date.now());
    // Switched first, so the listeners write to Redis (a locked login is re-marked within one query).
    this.degradedSinceMs = null;
    clearInterval(this.probe);
    this.probe = undefined;
    this.touched.clear();
    const stale = this.memory;
    this.memory = new MemoryCache();
    await stale.close();
    this.options.logger.info('cache restored: Redis answers again', { degradedForMs, keysInvalidated: keys.size });
    for (const listener of this.recoveredListeners) {
      await listener().catch((error: unknown) => this.options.logger.error('cache recovery listener failed', { error }));
    }
  }
}
