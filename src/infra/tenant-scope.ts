import { randomUUID } from 'node:crypto';
import { requestContext } from './request-context';

/** The tenant every row existing before multi-tenancy belongs to, and the one a bare host name serves. */
export const DEFAULT_TENANT_ID = 'ten_default';

/**
 * The tenant the database statements of the current async chain run for (docs/tenants.md):
 * - inside a request, or a worker's item: its tenant, whose rows alone it sees (row-level
 *   security, as the role ocp_tenant); '' when none is known yet, which sees no rows at all;
 * - outside any (a worker's scan across tenants, scripts, start-up) or in inSystemScope: undefined,
 *   the owner's view of every tenant.
 */
export function statementTenant(): string | undefined {
  const context = requestContext.current();
  if (!context || context.system) return undefined;
  return context.tenantId ?? '';
}

/** The tenant of the current request or item, if one is known. */
export function currentTenantId(): string | undefined {
  return requestContext.current()?.tenantId;
}

/** Runs fn for one tenant: a worker's item, or a group of calls of one tenant (the posting queue). */
export function inTenant<T>(tenantId: string, fn: () => T): T {
  const current = requestContext.current();
  return requestContext.run({ ...(current ?? { requestId: randomUUID() }), tenantId, system: false }, fn);
}

/**
 * Runs fn over every tenant: only for lookups by a globally unique secret or id that decide the
 * tenant (a refresh token, an API client's id), never for anything a caller lists or searches.
 */
export function inSystemScope<T>(fn: () => T): T {
  const current = requestContext.current();
  return requestContext.run({ ...(current ?? { requestId: randomUUID() }), system: true }, fn);
}
