import { FallbackCache } from '../../../src/infra/cache/fallback-cache';
import { MemoryCache } from '../../../src/infra/cache/memory-cache';
import { createLogger } from '../../../src/infra/logger';
import { CapturedLogs } from '../../support/test-app';

/** A shared cache that can be switched off: every command then fails like an unreachable Redis. */
class SwitchableCache extends MemoryCache {
  down = false;
  private guard(): void {
    if (this.down) throw new Error("Stream isn't writeable and enableOfflineQueue options is false");
  }
  override async get(key: string) {
    this.guard();
    return super.get(key);
  }
  override async set(key: string, value: string, ttlMs?: number) {
    this.guard();
    return super.set(key, value, ttlMs);
  }
  override async setIfAbsent(key: string, value: string, ttlMs: number) {
    this.guard();
    return super.setIfAbsent(key, value, ttlMs);
  }
  override async increment(key: string, ttlMs: number) {
    this.guard();
    return super.increment(key, ttlMs);
  }
  override async delete(key: string) {
    this.guard();
    return super.delete(key);
  }
  override async ping() {
    this.guard();
  }
}

const waitFor = async (condition: () => boolean) => {
  for (let i = 0; i < 100 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
};

describe('FallbackCache', () => {
  let shared: SwitchableCache;
  let cache: FallbackCache;
  let logs: CapturedLogs;
  beforeEach(() => {
    shared = new SwitchableCache();
    logs = new CapturedLogs();
    cache = new FallbackCache(shared, { logger: createLogger('debug', [logs]), probeIntervalMs: 20 });
  });
  afterEach(() => cache.close());

  it('when the shared cache fails, then commands answer from memory, degraded is true, and it is logged once', async () => {
    await cache.set('k', 'shared');
    shared.down = true;
    await expect(cache.get('k')).resolves.toBeNull();
    expect(cache.degraded).toBe(true);
    expect((await cache.increment('rl', 1_000)).count).toBe(1);
    expect((await cache.increment('rl', 1_000)).count).toBe(2);
    await cache.set('k', 'local');
    await expect(cache.get('k')).resolves.toBe('local');
    expect(logs.entries.filter((e) => String(e.message).startsWith('cache degraded'))).toHaveLength(1);
  });

  it('when the shared cache answers again, then keys written or deleted meanwhile are deleted there, listeners run, and it is used again', async () => {
    await cache.set('wallet:1', 'old threshold');
    await cache.set('untouched', 'kept');
    shared.down = true;
    await cache.delete('wallet:1'); // an invalidation that could not reach Redis
    await cache.set('session:new', 'local only');
    const recovered = jest.fn(async () => undefined);
    cache.onRecovered(recovered);

    shared.down = false;
    await waitFor(() => !cache.degraded);
    expect(cache.degraded).toBe(false);
    await expect(cache.get('wallet:1')).resolves.toBeNull();
    await expect(cache.get('session:new')).resolves.toBeNull();
    await expect(cache.get('untouched')).resolves.toBe('kept');
    expect(recovered).toHaveBeenCalledTimes(1);
    await cache.set('after', 'v');
    await expect(shared.get('after')).resolves.toBe('v');
  });

  it('when a shared-cache error is a reply error of a wrong command, then it is thrown, not a fallback', async () => {
    const { ReplyError } = await import('ioredis');
    const failing = new SwitchableCache();
    failing.get = async () => {
      throw new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value');
    };
    const wrapped = new FallbackCache(failing, { logger: createLogger('error', [new CapturedLogs()]), probeIntervalMs: 20 });
    try {
      await expect(wrapped.get('k')).rejects.toThrow('WRONGTYPE');
      expect(wrapped.degraded).toBe(false);
    } finally {
      await wrapped.close();
    }
  });
});
