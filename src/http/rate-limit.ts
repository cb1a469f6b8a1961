import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import type { Cache, WindowCount } from '../infra/cache/cache';
import type { Logger } from '../infra/logger';
import { RateLimited } from '../shared/errors';

export interface Limit {
  name: string;
  max: number;
  /** Default: the client IP. A limit by subject does not count anonymous requests. */
  keyBy?: 'ip' | 'subject';
}

export interface LimiterOptions {
  cache: Cache;
  /** Where a cache failure is reported (the request then goes through). */
  logger: Logger;
  windowMs: number;
  limits: readonly Limit[];
}

/**
 * Fixed windows counted in the cache (Redis across instances, memory on one): every limit that
 * applies to the request is counted in one step (one round trip to Redis), the IETF draft-7
 * `RateLimit` and `RateLimit-Policy` headers tell the limit closest to running out, and a 429 with
 * Retry-After answers once any of them is used up (the error middleware writes it). It runs on
 * every API request, so it does nothing a request does not need.
 */
export function createLimiter({ cache, logger, windowMs, limits }: LimiterOptions): RequestHandler {
  const windowSeconds = Math.ceil(windowMs / 1000);
  return (req, res, next) => {
    const counted: Array<{ limit: Limit; key: string }> = [];
    for (const limit of limits) {
      const id = limit.keyBy === 'subject' ? req.principal?.sub : clientKey(req);
      if (id !== undefined) counted.push({ limit, key: `rl:${limit.name}:${id}` });
    }
    if (counted.length === 0) return next();
    cache
      .incrementAll(
        counted.map((c) => c.key),
        windowMs,
      )
      .then(
        (counts) => {
          const now = Date.now();
          let tightest = 0;
          let exceededResetMs = 0;
          counts.forEach((count, i) => {
            if (remaining(counted[i]!.limit, count) < remaining(counted[tightest]!.limit, counts[tightest]!)) tightest = i;
            if (count.count > counted[i]!.limit.max) exceededResetMs = Math.max(exceededResetMs, count.resetAtMs - now);
          });
          const { max } = counted[tightest]!.limit;
          const { resetAtMs } = counts[tightest]!;
          res.setHeader('RateLimit-Policy', `${max};w=${windowSeconds}`);
          res.setHeader(
            'RateLimit',
            `limit=${max}, remaining=${remaining(counted[tightest]!.limit, counts[tightest]!)}, reset=${seconds(resetAtMs - now)}`,
          );
          next(exceededResetMs > 0 ? new RateLimited(Math.max(1, seconds(exceededResetMs))) : undefined);
        },
        (error: unknown) => {
          // A cache outage must not take the API down with it: let requests through and /ready tells.
          logger.warn('rate limits not counted: the cache failed', { limits: limits.map((l) => l.name), error });
          next();
        },
      );
  };
}

function remaining(limit: Limit, { count }: WindowCount): number {
  return Math.max(0, limit.max - count);
}

function seconds(ms: number): number {
  return Math.max(0, Math.ceil(ms / 1000));
}

/**
 * Express's req.ip, governed by TRUST_PROXY on purpose (a client-sent Forwarded or X-Forwarded-For
 * header is believed only behind a trusted proxy). An IPv6 client is counted by its /56, since it
 * can pick any address in its own network.
 */
function clientKey(req: Request): string {
  return ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown');
}
