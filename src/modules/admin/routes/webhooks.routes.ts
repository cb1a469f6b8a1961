import type { Api } from '../../../http/api';
import { idParams } from '../../../http/params';
import { deliveryListQuery, deliveryPageView, toDeliveryView } from '../../webhook';
import type { AdminModule } from '../admin.module';

const tags = ['admin'];

/** Why a customer's webhooks do not arrive: any account's delivery log, read only. */
export function adminWebhookRoutes(api: Api, admin: AdminModule): void {
  api.route({
    method: 'get',
    path: '/admin/webhooks/:id/deliveries',
    summary: "Any account's webhook endpoint's deliveries, newest first: status, attempts, the receiver's last answer, the next retry",
    tags,
    permission: 'admin:webhooks:read',
    params: idParams,
    query: deliveryListQuery,
    responses: { 200: { description: 'A page of deliveries', schema: deliveryPageView } },
    handler: async ({ params, query }) => {
      const page = await admin.webhookDeliveries.list(undefined, params.id, query);
      return { status: 200, body: { data: page.data.map(toDeliveryView), nextCursor: page.nextCursor } };
    },
  });
}
