import type { Api } from '../../../http/api';
import { apiClientView, createApiClientBody } from '../../auth';
import type { AdminModule } from '../admin.module';
import { idParams } from '../../../http/params';
import { adminContext } from '../admin.schemas';

const tags = ['admin'];

/** API clients for server-to-server calls. */
export function adminApiClientRoutes(api: Api, admin: AdminModule): void {
  api.route({
    method: 'post',
    path: '/admin/api-clients',
    summary: 'Create an API client for server-to-server calls',
    tags,
    permission: 'admin:api-clients:write',
    body: createApiClientBody,
    responses: { 201: { description: 'The client and its secret, shown once', schema: apiClientView } },
    handler: async (input) => ({
      status: 201,
      body: await admin.apiClients.create(adminContext(input), input.body.name, input.body.permissions),
    }),
  });

  api.route({
    method: 'delete',
    path: '/admin/api-clients/:id',
    summary: 'Revoke an API client; tokens it already holds are refused at once',
    tags,
    permission: 'admin:api-clients:write',
    params: idParams,
    responses: { 204: { description: 'Revoked' } },
    handler: async (input) => {
      await admin.apiClients.revoke(adminContext(input), input.params.id);
      return { status: 204 };
    },
  });
}
