import type { RequestHandler } from 'express';
import { rateLimit, type Options, type Store } from 'express-rate-limit';
import type { Cache } from '../infra/cache/cache';
import type { Logger } from '../infra/logger';
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
  /** Where express-rate-limit reports store errors and set-up warnings (never the console). */
  logger: Logger;
  name: string;
  windowMs: number;
  max: number;
  /** Default: the client IP. */
  keyBy?: 'ip' | 'subject';
}

/** A 429 with Retry-After once a key has used its window; the error middleware writes it. */
export function createLimiter({ cache, logger, name, windowMs, max, keyBy = 'ip' }: LimiterOptions): RequestHandler {
  return rateLimit({
    windowMs,
    limit: max,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    store: new CacheStore(cache, `rl:${name}:`),
    // A cache outage must not take the API down with it: let requests through and /ready tells.
    passOnStoreError: true,
    logger,
    // The client IP is Express's req.ip, governed by TRUST_PROXY on purpose. A client-sent `Forwarded`
    // header is ignored by design, so the library's warning about it would only be noise.
    validate: { forwardedHeader: false },
    ...(keyBy === 'subject' ? { keyGenerator: (req) => req.principal?.sub ?? 'anonymous', skip: (req) => !req.principal } : {}),
    handler: (req, _res, next) => {
      const resetTime = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = resetTime ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : 1;
      next(new RateLimited(seconds));
    },
  });
}
