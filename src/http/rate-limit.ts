import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import type { Cache, WindowCount } from '../infra/cache/cache';
import type { Logger } from '../infra/logger';
import { RateLimited } from '../shared/errors';
import type { TenantConfiguration, TenantSettings } from '../shared/tenant-settings';
import { currentTenantId } from '../infra/tenant-scope';

export interface Limit {
  name: string;
  /** The environment's budget (RATE_LIMIT_*_MAX). */
  max: number;
  /** The tenant setting (rateLimits) that replaces max for a tenant that sets it. */
  tenantMax?: keyof NonNullable<TenantSettings['rateLimits']>;
  /** Default: the client IP. A limit by subject does not count anonymous requests. */
  keyBy?: 'ip' | 'subject';
}

export interface LimiterOptions {
  cache: Cache;
  /** Where a cache failure is reported (the request then goes through). */
  logger: Logger;
  windowMs: number;
  limits: readonly Limit[];
  /** Where a tenant's own budgets come from (cached in each process: a map lookup per request). */
  tenants: Pick<TenantConfiguration, 'settingsOf'>;
}

interface Counted {
  max: number;
  key: string;
}

/**
 * Fixed windows counted in the cache (Redis across instances, memory on one): every limit that
 * applies to the request is counted in one step (one round trip to Redis), the IETF draft-7
 * `RateLimit` and `RateLimit-Policy` headers tell the limit closest to running out, and a 429 with
 * Retry-After answers once any of them is used up (the error middleware writes it). Counters are
 * per tenant, and a tenant's settings may replace a limit's max (tenantMax). It runs on every API
 * request, so it does nothing a request does not need: the tenant's settings are a cached lookup.
 */
export function createLimiter({ cache, logger, windowMs, limits, tenants }: LimiterOptions): RequestHandler {
  const windowSeconds = Math.ceil(windowMs / 1000);
  return async (req, res, next) => {
    // Counters are kept per tenant (the request's, from its token or host name): one tenant's
    // traffic never spends another's budget, and each is held to its own limits when it sets them.
    const tenantId = currentTenantId();
    const rateLimits = await tenants.settingsOf(tenantId).then(
      (settings) => settings.rateLimits,
      (error: unknown) => {
        // The tenant's settings could not be read (its cache empty and the database away): the
        // environment's limits, still counted in the tenant's own counters.
        logger.warn("rate limits: the tenant's settings could not be read; the environment's apply", { tenantId, error });
        return undefined;
      },
    );
    const counted: Counted[] = [];
    for (const limit of limits) {
      const id = limit.keyBy === 'subject' ? req.principal?.sub : clientKey(req);
      const max = (limit.tenantMax && rateLimits?.[limit.tenantMax]) ?? limit.max;
      if (id !== undefined) counted.push({ max, key: `rl:${tenantId}:${limit.name}:${id}` });
    }
    if (counted.length === 0) return next();
    let counts: WindowCount[];
    try {
      counts = await cache.incrementAll(
        counted.map((c) => c.key),
        windowMs,
      );
    } catch (error) {
      // A cache outage must not take the API down with it: let requests through and /ready tells.
      logger.warn('rate limits not counted: the cache failed', { limits: limits.map((l) => l.name), error });
      return next();
    }
    const now = Date.now();
    let tightest = 0;
    let exceededResetMs = 0;
    counts.forEach((windowCount, i) => {
      if (remaining(counted[i]!, windowCount) < remaining(counted[tightest]!, counts[tightest]!)) tightest = i;
      if (windowCount.count > counted[i]!.max) exceededResetMs = Math.max(exceededResetMs, windowCount.resetAtMs - now);
    });
    const { max } = counted[tightest]!;
    const { resetAtMs } = counts[tightest]!;
    res.setHeader('RateLimit-Policy', `${max};w=${windowSeconds}`);
    res.setHeader(
      'RateLimit',
      `limit=${max}, remaining=${remaining(counted[tightest]!, counts[tightest]!)}, reset=${seconds(resetAtMs - now)}`,
    );
    next(exceededResetMs > 0 ? new RateLimited(Math.max(1, seconds(exceededResetMs))) : undefined);
  };
}

function remaining({ max }: Counted, { count }: WindowCount): number {
  return Math.max(0, max - count);
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
