import type { Api, RouteInput } from '../../../http/api';
import { idParams } from '../../../http/params';
import type { PlatformActor, PlatformTenantService } from '../platform-tenant.service';
import {
  createdTenantView,
  createTenantBody,
  tenantCredentialsSchema,
  tenantListQuery,
  tenantPageView,
  tenantView,
  toTenantView,
  updateTenantBody,
} from '../tenant.schemas';

const tags = ['platform'];

const actor = (input: Pick<RouteInput<unknown, unknown, unknown>, 'principal' | 'requestId' | 'ip'>): PlatformActor => ({
  actorId: input.principal.sub,
  requestId: input.requestId,
  ip: input.ip,
  tenantId: input.principal.tenantId,
});

/** The platform admins' routes: every tenant, its settings, host names, status and credentials. */
export function platformTenantRoutes(api: Api, tenants: PlatformTenantService): void {
  api.route({
    method: 'get',
    path: '/platform/tenants',
    summary: 'List the tenants, newest first',
    tags,
    permission: 'platform:tenants:read',
    query: tenantListQuery,
    responses: { 200: { description: 'A page of tenants', schema: tenantPageView } },
    handler: async (input) => {
      const page = await tenants.list(actor(input), input.query.limit, input.query.cursor);
      return { status: 200, body: { data: page.data.map(toTenantView), nextCursor: page.nextCursor } };
    },
  });

  api.route({
    method: 'post',
    path: '/platform/tenants',
    summary: 'Create a tenant (and, with admin, its first admin inside it)',
    tags,
    permission: 'platform:tenants:write',
    body: createTenantBody,
    responses: { 201: { description: 'The tenant, and its first admin if one was asked for', schema: createdTenantView } },
    handler: async (input) => {
      const { tenant, admin } = await tenants.create(actor(input), input.body);
      return { status: 201, body: { tenant: toTenantView(tenant), ...(admin ? { admin } : {}) } };
    },
  });

  api.route({
    method: 'get',
    path: '/platform/tenants/:id',
    summary: 'A tenant',
    tags,
    permission: 'platform:tenants:read',
    params: idParams,
    responses: { 200: { description: 'The tenant', schema: tenantView } },
    handler: async (input) => ({ status: 200, body: toTenantView(await tenants.get(actor(input), input.params.id)) }),
  });

  api.route({
    method: 'patch',
    path: '/platform/tenants/:id',
    summary: "Change a tenant's name, status, settings (section by section) or host names",
    tags,
    permission: 'platform:tenants:write',
    params: idParams,
    body: updateTenantBody,
    responses: { 200: { description: 'The tenant as changed', schema: tenantView } },
    handler: async (input) => ({ status: 200, body: toTenantView(await tenants.update(actor(input), input.params.id, input.body)) }),
  });

  api.route({
    method: 'put',
    path: '/platform/tenants/:id/credentials',
    summary: "Replace a tenant's provider credentials (write-only: the answer names which are set, never their values)",
    tags,
    permission: 'platform:tenants:write',
    params: idParams,
    body: tenantCredentialsSchema,
    responses: { 200: { description: 'The tenant, whose credentialsSet names the credentials now set', schema: tenantView } },
    handler: async (input) => ({
      status: 200,
      body: toTenantView(await tenants.setCredentials(actor(input), input.params.id, input.body)),
    }),
  });
}
