import type { RequestHandler } from 'express';
import { requestContext } from '../infra/request-context';
import { DEFAULT_TENANT_ID } from '../shared/tenant-settings';
import { setBounded } from '../shared/bounded-map';
import { couldNameRecord } from '../shared/record-id';

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

/** Resources whose tenant is remembered: anyone can send any id, so the map is bounded. */
const RESOURCE_TENANTS_MAX = 10_000;

/**
 * The public protocol routes of one merchant or agent (/ucp/{merchantId}/…, an A2A agent card),
 * called without a token on a host name that names no tenant, serve that resource's tenant: the
 * addresses UCP profiles and agent cards advertise are under PUBLIC_BASE_URL, whatever the tenant.
 * Ids are unique across tenants. A tenant's own host name keeps its requests to that tenant.
 * A resource never moves to another tenant, so a tenant found is remembered (these routes are
 * called without a token, many times for one merchant, and each would otherwise read the
 * database); an id not found is asked again, since the resource may be created since.
 */
export function tenantFromResource(param: string, tenantOf: (id: string) => Promise<string | undefined>): RequestHandler {
  const known = new Map<string, string>();
  return async (req, _res, next) => {
    const context = requestContext.current();
    const id = req.params[param];
    if (req.principal || !context || context.tenantId !== DEFAULT_TENANT_ID || !couldNameRecord(id)) return next();
    let tenant = known.get(id);
    if (tenant === undefined) {
      tenant = await tenantOf(id);
      if (tenant) setBounded(known, id, tenant, RESOURCE_TENANTS_MAX);
    }
    if (tenant) context.tenantId = tenant;
    next();
  };
}
