import type { RequestHandler } from 'express';
import { rateLimit, type Options, type Store } from 'express-rate-limit';
import type { Cache } from '../infra/cache/cache';
import { RateLimited } from '../shared/errors';

/** express-rate-limit's store over our Cache port: Redis across instances, memory on one. */
class CacheStore implements Store {
  readonly localKeys = false;
  private windowMs = 60_000;

  constructor(
    private readonly cache: Cache,
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string) {
    const { count, resetAtMs } = await this.cache.increment(this.prefix + key, this.windowMs);
    return { totalHits: count, resetTime: new Date(resetAtMs) };
  }

  async decrement(): Promise<void> {
    // Never called: we count every request, successful or not.
  }

  async resetKey(key: string): Promise<void> {
    await this.cache.delete(this.prefix + key);
  }
}

export interface LimiterOptions {
  cache: Cache;
  name: string;
  windowMs: number;
  max: number;
  /** Default: the client IP. */
  keyBy?: 'ip' | 'subject';
}

/** A 429 with Retry-After once a key has used its window; the error middleware writes it. */
export function createLimiter({ cache, name, windowMs, max, keyBy = 'ip' }: LimiterOptions): RequestHandler {
  return rateLimit({
    windowMs,
    limit: max,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    store: new CacheStore(cache, `rl:${name}:`),
    // A cache outage must not take the API down with it: let requests through and /ready tells.
    passOnStoreError: true,
    ...(keyBy === 'subject'
      ? { keyGenerator: (req) => req.principal?.sub ?? 'anonymous', skip: (req) => !req.principal }
      : {}),
    handler: (req, _res, next) => {
      const resetTime = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = resetTime ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : 1;
      next(new RateLimited(seconds));
    },
  });
}
