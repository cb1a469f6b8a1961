import type { Request, Response } from 'express';
import { refuseSuspendedTenants } from '../../../src/http/tenant-status';
import { requestContext } from '../../../src/infra/request-context';
import { AppError } from '../../../src/shared/errors';

function run(tenantId: string | undefined, status: 'active' | 'suspended' | undefined) {
  const asked: string[] = [];
  const guard = refuseSuspendedTenants({
    statusOf: async (id) => {
      asked.push(id);
      return status;
    },
  });
  return new Promise<{ error: unknown; asked: string[] }>((resolve) => {
    requestContext.run({ requestId: 'r1', ...(tenantId ? { tenantId } : {}) }, () =>
      guard({} as Request, {} as Response, (error?: unknown) => resolve({ error, asked })),
    );
  });
}

describe('refuseSuspendedTenants', () => {
  it('when the tenant is active, then the request goes on', async () => {
    expect((await run('ten_a', 'active')).error).toBeUndefined();
  });

  it('when the tenant is suspended, then 403 tenant_suspended', async () => {
    const { error } = await run('ten_a', 'suspended');
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('tenant_suspended');
  });

  it('when the tenant does not exist, then it is refused as well', async () => {
    expect(((await run('ten_gone', undefined)).error as AppError).code).toBe('tenant_suspended');
  });

  it('when the request is the default tenant’s, then its status is not even looked up', async () => {
    const { error, asked } = await run('ten_default', 'suspended');
    expect(error).toBeUndefined();
    expect(asked).toEqual([]);
  });
});
