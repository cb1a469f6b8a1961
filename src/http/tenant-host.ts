import type { RequestHandler } from 'express';
import { requestContext } from '../infra/request-context';
import { DEFAULT_TENANT_ID } from '../infra/tenant-scope';

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
    const tenant = req.hostname ? await hosts.tenantOfHost(req.hostname) : undefined;
    if (context && tenant) context.tenantId = tenant;
    next();
  };
}

/**
 * The public protocol routes of one merchant or agent (/ucp/{merchantId}/…, an A2A agent card),
 * called without a token on a host name that names no tenant, serve that resource's tenant: the
 * addresses UCP profiles and agent cards advertise are under PUBLIC_BASE_URL, whatever the tenant.
 * Ids are unique across tenants. A tenant's own host name keeps its requests to that tenant.
 */
export function tenantFromResource(param: string, tenantOf: (id: string) => Promise<string | undefined>): RequestHandler {
  return async (req, _res, next) => {
    const context = requestContext.current();
    const id = req.params[param];
    if (req.principal || !context || context.tenantId !== DEFAULT_TENANT_ID || typeof id !== 'string') return next();
    const tenant = await tenantOf(id);
    if (tenant) context.tenantId = tenant;
    next();
  };
}
