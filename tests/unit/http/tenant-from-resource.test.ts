import type { Request, Response } from 'express';
import { tenantFromResource } from '../../../src/http/tenant-host';
import { requestContext } from '../../../src/infra/request-context';
import { DEFAULT_TENANT_ID } from '../../../src/shared/tenant-settings';

function lookup(tenants: Record<string, string>) {
  const asked: string[] = [];
  const tenantOf = async (id: string) => {
    asked.push(id);
    return tenants[id];
  };
  return { asked, tenantOf };
}

/** The tenant the request's context holds once the middleware has run for /ucp/{merchantId}. */
function tenantServed(middleware: ReturnType<typeof tenantFromResource>, merchantId: string): Promise<string | undefined> {
  const context = { requestId: 'r1', tenantId: DEFAULT_TENANT_ID };
  return new Promise((resolve, reject) => {
    requestContext.run(context, () =>
      middleware({ params: { merchantId } } as unknown as Request, {} as Response, (error?: unknown) =>
        error ? reject(error as Error) : resolve(context.tenantId),
      ),
    );
  });
}

describe('tenantFromResource', () => {
  it("when a merchant's public route is called without a token, then the request serves the merchant's tenant", async () => {
    const { tenantOf } = lookup({ mer_a: 'ten_a' });
    expect(await tenantServed(tenantFromResource('merchantId', tenantOf), 'mer_a')).toBe('ten_a');
  });

  it('when the same merchant is called again, then its tenant is not read again', async () => {
    const { asked, tenantOf } = lookup({ mer_a: 'ten_a' });
    const middleware = tenantFromResource('merchantId', tenantOf);
    await tenantServed(middleware, 'mer_a');
    expect(await tenantServed(middleware, 'mer_a')).toBe('ten_a');
    expect(asked).toEqual(['mer_a']);
  });

  it('when the id names no merchant, then the request stays with the default tenant and a later call asks again', async () => {
    const tenants: Record<string, string> = {};
    const { asked, tenantOf } = lookup(tenants);
    const middleware = tenantFromResource('merchantId', tenantOf);
    expect(await tenantServed(middleware, 'mer_new')).toBe(DEFAULT_TENANT_ID);
    tenants.mer_new = 'ten_b';
    expect(await tenantServed(middleware, 'mer_new')).toBe('ten_b');
    expect(asked).toEqual(['mer_new', 'mer_new']);
  });

  it('when many ids are asked, then the oldest tenant found is forgotten first', async () => {
    const tenants = Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`mer_${i}`, 'ten_a']));
    const { asked, tenantOf } = lookup(tenants);
    const middleware = tenantFromResource('merchantId', tenantOf);
    for (let i = 0; i <= 10_000; i++) await tenantServed(middleware, `mer_${i}`);
    asked.length = 0;
    await tenantServed(middleware, 'mer_10000');
    await tenantServed(middleware, 'mer_0');
    expect(asked).toEqual(['mer_0']);
  });
});
