import type { Api } from '../../http/api';
import { idParams } from '../../http/params';
import { pageQuery } from '../../shared/pagination';
import {
  apiClientParams,
  createMerchantApiClientBody,
  createMerchantBody,
  merchantApiClientListView,
  merchantPageView,
  merchantView,
  newMerchantApiClientView,
  toApiClientView,
  toMerchantView,
  updateMerchantBody,
} from './merchant.schemas';
import type { MerchantService } from './merchant.service';

const tags = ['merchants'];

export function merchantRoutes(api: Api, merchants: MerchantService): void {
  api.route({
    method: 'post',
    path: '/merchants',
    summary: 'Become a merchant: bind one of your active wallets, which fixes the currency',
    tags,
    permission: 'merchant:manage',
    body: createMerchantBody,
    responses: { 201: { description: 'The new merchant', schema: merchantView } },
    handler: async ({ body, principal }) => ({ status: 201, body: toMerchantView(await merchants.create(principal, body)) }),
  });

  api.route({
    method: 'get',
    path: '/merchants',
    summary: "The caller's merchants, newest first (a merchant's API client sees its own)",
    tags,
    permission: 'merchant:read',
    query: pageQuery,
    responses: { 200: { description: 'A page of merchants', schema: merchantPageView } },
    handler: async ({ query, principal }) => {
      const page = await merchants.list(principal, query.limit, query.cursor);
      return { status: 200, body: { data: page.data.map(toMerchantView), nextCursor: page.nextCursor } };
    },
  });

  api.route({
    method: 'get',
    path: '/merchants/:id',
    summary: 'One merchant',
    tags,
    permission: 'merchant:read',
    params: idParams,
    responses: { 200: { description: 'The merchant', schema: merchantView } },
    handler: async ({ params, principal }) => ({ status: 200, body: toMerchantView(await merchants.get(principal, params.id)) }),
  });

  api.route({
    method: 'patch',
    path: '/merchants/:id',
    summary: "Change a merchant's display name, tax rate or terms URL (owner only)",
    tags,
    permission: 'merchant:manage',
    params: idParams,
    body: updateMerchantBody,
    responses: { 200: { description: 'The changed merchant', schema: merchantView } },
    handler: async ({ params, body, principal }) => ({
      status: 200,
      body: toMerchantView(await merchants.update(principal, params.id, body)),
    }),
  });

  api.route({
    method: 'post',
    path: '/merchants/:id/api-clients',
    summary: "Create API credentials for the merchant's server: client_credentials tokens that reach this merchant only",
    tags,
    permission: 'merchant:manage',
    params: idParams,
    body: createMerchantApiClientBody,
    responses: { 201: { description: 'The client and its secret, shown once', schema: newMerchantApiClientView } },
    handler: async ({ params, body, principal }) => {
      const client = await merchants.createApiClient(principal, params.id, body.name);
      return { status: 201, body: { ...toApiClientView(client), clientSecret: client.clientSecret } };
    },
  });

  api.route({
    method: 'get',
    path: '/merchants/:id/api-clients',
    summary: "The merchant's API clients, revoked ones too (never their secrets)",
    tags,
    permission: 'merchant:manage',
    params: idParams,
    responses: { 200: { description: 'The clients, newest first', schema: merchantApiClientListView } },
    handler: async ({ params, principal }) => ({
      status: 200,
      body: { data: (await merchants.listApiClients(principal, params.id)).map(toApiClientView) },
    }),
  });

  api.route({
    method: 'delete',
    path: '/merchants/:id/api-clients/:clientId',
    summary: "Revoke one of the merchant's API clients; tokens it already holds are refused at once",
    tags,
    permission: 'merchant:manage',
    params: apiClientParams,
    responses: { 204: { description: 'Revoked' } },
    handler: async ({ params, principal }) => {
      await merchants.revokeApiClient(principal, params.id, params.clientId);
      return { status: 204 };
    },
  });
}
