import type { Request, Response } from 'express';
import { MemoryCache } from '../../../src/infra/cache/memory-cache';
import { createLogger } from '../../../src/infra/logger';
import { requestContext } from '../../../src/infra/request-context';
import { createLimiter, type Limit } from '../../../src/http/rate-limit';
import type { TenantConfiguration } from '../../../src/shared/tenant-settings';
import { CapturedLogs } from '../../support/test-app';
import { MemoryTenantConfiguration } from '../../support/tenants';

const LIMITS: Limit[] = [{ name: 'user', max: 3, tenantMax: 'userMax', keyBy: 'subject' }];

/** One request of `sub` in `tenantId` through the limiter: the error it passes on (a 429), if any. */
function run(limiter: ReturnType<typeof createLimiter>, tenantId: string, sub = 'usr_1') {
  const req = { principal: { sub, role: 'user', permissions: [], tenantId }, ip: '203.0.113.1', socket: {} } as unknown as Request;
  const res = { setHeader: () => res } as unknown as Response;
  return new Promise<unknown>((resolve) =>
    requestContext.run({ requestId: 'r', tenantId }, () => limiter(req, res, (error?: unknown) => resolve(error))),
  );
}

describe('rate limiter per tenant', () => {
  it("when a tenant sets its own budget, then it is counted under the tenant's key against that budget", async () => {
    const cache = new MemoryCache();
    const tenants = new MemoryTenantConfiguration().set('ten_b', { rateLimits: { userMax: 1 } });
    const limiter = createLimiter({ cache, logger: createLogger('error'), windowMs: 60_000, limits: LIMITS, tenants });
    expect(await run(limiter, 'ten_b')).toBeUndefined();
    expect(await run(limiter, 'ten_b')).toMatchObject({ code: 'rate_limited' });
    // The same subject id in another tenant has its own counter and the environment's budget.
    for (let i = 0; i < 3; i += 1) expect(await run(limiter, 'ten_default')).toBeUndefined();
    expect(await run(limiter, 'ten_default')).toMatchObject({ code: 'rate_limited' });
  });

  it("when the tenant's settings cannot be read, then the environment's budget applies, in the tenant's counter, and it is logged", async () => {
    const logs = new CapturedLogs();
    const failing: TenantConfiguration = {
      settingsOf: () => Promise.reject(new Error('database away')),
      credentialsOf: () => Promise.resolve({}),
    };
    const limiter = createLimiter({
      cache: new MemoryCache(),
      logger: createLogger('warn', [logs]),
      windowMs: 60_000,
      limits: LIMITS,
      tenants: failing,
    });
    for (let i = 0; i < 3; i += 1) expect(await run(limiter, 'ten_b')).toBeUndefined();
    expect(await run(limiter, 'ten_b')).toMatchObject({ code: 'rate_limited' });
    expect(logs.text()).toContain("the tenant's settings could not be read");
  });
});
