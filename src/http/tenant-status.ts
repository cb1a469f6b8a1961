import type { RequestHandler } from 'express';
import { currentTenantId, DEFAULT_TENANT_ID } from '../infra/tenant-scope';
import { Forbidden } from '../shared/errors';

export interface TenantStatusLookup {
  /** Cached per process (the tenant module's configuration): a map lookup on most requests. */
  statusOf(tenantId: string): Promise<'active' | 'suspended' | undefined>;
}

/**
 * Mounted after authentication: a request of a suspended tenant (its token's, or its host name's
 * when it has no token) is refused before any route runs, and so is one of a tenant that does not
 * exist. The default tenant cannot be suspended, so its requests are not even looked up.
 */
export function refuseSuspendedTenants(tenants: TenantStatusLookup): RequestHandler {
  return (_req, _res, next) => {
    const tenantId = currentTenantId();
    if (tenantId === undefined || tenantId === DEFAULT_TENANT_ID) return next();
    tenants
      .statusOf(tenantId)
      .then((status) => next(status === 'active' ? undefined : new Forbidden('This tenant is suspended', 'tenant_suspended')), next);
  };
}
