import type { RequestHandler } from 'express';
import { currentTenantId } from '../infra/tenant-scope';
import type { Principal } from '../shared/principal';
import { assertTenantActive, DEFAULT_TENANT_ID, type TenantStatusLookup } from '../shared/tenant-settings';

/**
 * Mounted after authentication: a request of a suspended tenant (its token's, or its host name's
 * when it has no token) is refused before any route runs, and so is one of a tenant that does not
 * exist. The default tenant cannot be suspended, so its requests are not even looked up.
 */
export function refuseSuspendedTenants(tenants: TenantStatusLookup): RequestHandler {
  return (_req, _res, next) => {
    const tenantId = currentTenantId();
    // Every request of a single-tenant OCP: answered without a promise.
    if (tenantId === DEFAULT_TENANT_ID) return next();
    assertTenantActive(tenants, tenantId).then(() => next(), next);
  };
}

interface AccessTokenVerifier {
  verifyAccessToken(token: string): Promise<Principal>;
}

/**
 * The token check of an entry that is no Express request (the GraphQL WebSocket: its connection and
 * every re-check), which refuseSuspendedTenants never sees: a token of a suspended tenant, or of one
 * that does not exist, is refused (Forbidden tenant_suspended) as its HTTP requests are.
 */
export function activeTenantTokens(verifier: AccessTokenVerifier, tenants: TenantStatusLookup): AccessTokenVerifier {
  return {
    async verifyAccessToken(token) {
      const principal = await verifier.verifyAccessToken(token);
      await assertTenantActive(tenants, principal.tenantId);
      return principal;
    },
  };
}
