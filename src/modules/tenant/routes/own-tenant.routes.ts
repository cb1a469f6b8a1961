import type { Api } from '../../../http/api';
import { currentTenantId } from '../../../infra/tenant-scope';
import type { OwnTenantService } from '../own-tenant.service';
import { brandingView, ownTenantSettingsPatchBody, tenantView, toBrandingView, toTenantView } from '../tenant.schemas';

/** A tenant's admins on their own tenant (the token's), and its public branding. */
export function ownTenantRoutes(api: Api, tenant: OwnTenantService): void {
  api.route({
    method: 'get',
    path: '/admin/tenant',
    summary: "The caller's tenant: name, status, settings, host names, which credentials are set",
    tags: ['admin'],
    permission: 'admin:tenant:read',
    responses: { 200: { description: 'The tenant', schema: tenantView } },
    handler: async ({ principal }) => ({ status: 200, body: toTenantView(await tenant.get(principal.tenantId)) }),
  });

  api.route({
    method: 'patch',
    path: '/admin/tenant/settings',
    summary: "Change the caller's tenant's currencies, webhook delivery and branding, section by section (null removes a section)",
    tags: ['admin'],
    permission: 'admin:tenant:write',
    body: ownTenantSettingsPatchBody,
    responses: { 200: { description: 'The tenant as changed', schema: tenantView } },
    handler: async ({ principal, requestId, ip, body }) => {
      const ctx = { actorId: principal.sub, requestId, ip };
      return { status: 200, body: toTenantView(await tenant.updateSettings(ctx, principal.tenantId, body)) };
    },
  });

  api.route({
    method: 'get',
    path: '/tenant/branding',
    summary: "The branding of the request's tenant (its host name's, or its token's): name, logo, colours",
    tags: ['tenant'],
    public: true,
    responses: { 200: { description: 'The branding', schema: brandingView } },
    handler: async () => ({ status: 200, body: toBrandingView(await tenant.branding(currentTenantId())) }),
  });
}
