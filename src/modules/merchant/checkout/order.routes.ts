import type { Api } from '../../../http/api';
import { idParams } from '../../../http/params';
import { pageQuery } from '../../../shared/pagination';
import type { OrderService } from './order.service';
import { orderPageView, orderParams, orderView, toOrderView } from './order.schemas';

const tags = ['merchants'];

/** The orders placed through a merchant's UCP checkouts, for its owner and its API clients. */
export function orderRoutes(api: Api, orders: OrderService): void {
  api.route({
    method: 'get',
    path: '/merchants/:id/orders',
    summary: "The merchant's orders (completed UCP checkouts), newest first",
    tags,
    permission: 'merchant:read',
    params: idParams,
    query: pageQuery,
    responses: { 200: { description: 'A page of orders', schema: orderPageView } },
    handler: async ({ params, query, principal }) => {
      const page = await orders.list(principal, params.id, query.limit, query.cursor);
      return { status: 200, body: { data: page.data.map(toOrderView), nextCursor: page.nextCursor } };
    },
  });

  api.route({
    method: 'get',
    path: '/merchants/:id/orders/:orderId',
    summary: 'One order of the merchant (the permalink_url of a completed UCP checkout)',
    tags,
    permission: 'merchant:read',
    params: orderParams,
    responses: { 200: { description: 'The order', schema: orderView } },
    handler: async ({ params, principal }) => ({ status: 200, body: toOrderView(await orders.get(principal, params.id, params.orderId)) }),
  });
}
