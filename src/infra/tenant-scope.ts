import { randomUUID } from 'node:crypto';
import type { GroupScope } from '../shared/grouper';
import { DEFAULT_TENANT_ID } from '../shared/tenant-settings';
import { requestContext } from './request-context';

/**
 * The tenant the database statements of the current async chain run for (docs/tenants.md): its
 * rows alone are seen (row-level security, as the role ocp_tenant).
 * - inside a request or a worker's item: its tenant; '' when none is known yet, which sees nothing;
 * - outside any (start-up, a test calling a service): the default tenant;
 * - in inSystemScope: undefined, the owner's view of every tenant (a worker's scan across tenants,
 *   migrations, verify-ledger, backups).
 */
export function statementTenant(): string | undefined {
  const context = requestContext.current();
  if (!context) return DEFAULT_TENANT_ID;
  if (context.system) return undefined;
  return context.tenantId ?? '';
}

/**
 * The tenant of the current request or item, whose settings and books apply to what runs now: the
 * default one outside any (scripts, start-up, tests calling services) and before one is known.
 */
export function currentTenantId(): string {
  return requestContext.current()?.tenantId ?? DEFAULT_TENANT_ID;
}

/** Runs fn for one tenant: a worker's item, or a group of calls of one tenant (the posting queue). */
export function inTenant<T>(tenantId: string, fn: () => T): T {
  const current = requestContext.current();
  return requestContext.run({ ...(current ?? { requestId: randomUUID() }), tenantId, system: false }, fn);
}

/**
 * Runs fn as the owner, over every tenant: work that spans tenants (a worker's scan, migrations,
 * operators' commands, /metrics) and lookups by a globally unique secret or id that decide the
 * tenant (a refresh token, an API client's id). Never for anything a caller lists or searches.
 */
export function inSystemScope<T>(fn: () => T): T {
  const current = requestContext.current();
  return requestContext.run({ ...(current ?? { requestId: randomUUID() }), system: true }, fn);
}

/** Groups (src/shared/grouper.ts) of one tenant's calls, served in that tenant. */
export const tenantGroupScope: GroupScope = {
  current: statementTenant,
  run: (tenant, fn) => (tenant === undefined ? inSystemScope(fn) : inTenant(tenant as string, fn)),
};
