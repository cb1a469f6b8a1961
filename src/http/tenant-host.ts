import type { RequestHandler } from 'express';
import { requestContext } from '../infra/request-context';

export interface TenantHosts {
  /** The tenant a host name belongs to (tenant_hostnames), undefined for any other. */
  tenantOfHost(hostname: string): Promise<string | undefined>;
}

/**
 * A request without a valid access token (sign-up, login, public pages) belongs to the tenant of
 * the host name it was sent to, or stays with the default tenant. With a token, the token's tenant
 * was set by authenticate and the host name does not matter: a token never crosses tenants.
 * req.hostname honours TRUST_PROXY (X-Forwarded-Host only from a trusted proxy).
 */
export function tenantFromHost(hosts: TenantHosts): RequestHandler {
  return async (req, _res, next) => {
    if (req.principal) return next();
    const context = requestContext.current();
    const tenant = req.hostname ? await hosts.tenantOfHost(req.hostname.toLowerCase()) : undefined;
    if (context && tenant) context.tenantId = tenant;
    next();
  };
}
