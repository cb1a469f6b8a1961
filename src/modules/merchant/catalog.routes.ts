import type { Api } from '../../http/api';
import { idParams } from '../../http/params';
import { pageQuery } from '../../shared/pagination';
import type { CatalogService } from './catalog.service';
import { createProductBody, productPageView, productParams, productView, toProductView, updateProductBody } from './merchant.schemas';

const tags = ['merchants'];

/** A merchant's catalog, kept by its owner or by its API clients. */
export function catalogRoutes(api: Api, catalog: CatalogService): void {
  api.route({
    method: 'post',
    path: '/merchants/:id/products',
    summary: "Add a product to the merchant's catalog, priced in the merchant's currency",
    tags,
    permission: 'merchant:products:write',
    params: idParams,
    body: createProductBody,
    responses: { 201: { description: 'The new product', schema: productView } },
    handler: async ({ params, body, principal }) => ({ status: 201, body: toProductView(await catalog.add(principal, params.id, body)) }),
  });

  api.route({
    method: 'get',
    path: '/merchants/:id/products',
    summary: "The merchant's catalog, newest first",
    tags,
    permission: 'merchant:read',
    params: idParams,
    query: pageQuery,
    responses: { 200: { description: 'A page of products', schema: productPageView } },
    handler: async ({ params, query, principal }) => {
      const page = await catalog.list(principal, params.id, query.limit, query.cursor);
      return { status: 200, body: { data: page.data.map(toProductView), nextCursor: page.nextCursor } };
    },
  });

  api.route({
    method: 'get',
    path: '/merchants/:id/products/:productId',
    summary: 'One product',
    tags,
    permission: 'merchant:read',
    params: productParams,
    responses: { 200: { description: 'The product', schema: productView } },
    handler: async ({ params, principal }) => ({
      status: 200,
      body: toProductView(await catalog.get(principal, params.id, params.productId)),
    }),
  });

  api.route({
    method: 'patch',
    path: '/merchants/:id/products/:productId',
    summary: "Change a product's title, price, stock or image",
    tags,
    permission: 'merchant:products:write',
    params: productParams,
    body: updateProductBody,
    responses: { 200: { description: 'The changed product', schema: productView } },
    handler: async ({ params, body, principal }) => ({
      status: 200,
      body: toProductView(await catalog.update(principal, params.id, params.productId, body)),
    }),
  });

  api.route({
    method: 'delete',
    path: '/merchants/:id/products/:productId',
    summary: 'Remove a product from the catalog',
    tags,
    permission: 'merchant:products:write',
    params: productParams,
    responses: { 204: { description: 'Removed' } },
    handler: async ({ params, principal }) => {
      await catalog.remove(principal, params.id, params.productId);
      return { status: 204 };
    },
  });
}
