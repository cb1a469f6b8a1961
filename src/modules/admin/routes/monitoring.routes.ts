import type { Api } from '../../../http/api';
import type { AdminModule } from '../admin.module';
import { idParams } from '../../../http/params';
import { adminContext } from '../admin.schemas';
import {
  adminTransferPageView,
  alertPageView,
  alertQuery,
  alertView,
  resolveAlertBody,
  toAdminTransferView,
  toAlertView,
  transactionSearchQuery,
} from '../monitoring/monitoring.schemas';

const tags = ['admin'];

/** Every transfer with filters, and the alerts the monitoring rules raise. */
export function adminMonitoringRoutes(api: Api, admin: AdminModule): void {
  api.route({
    method: 'get',
    path: '/admin/transactions',
    summary: 'Every transfer, newest first, by status, type, amount range, wallet, customer, initiator and dates',
    tags,
    permission: 'admin:transactions:read',
    query: transactionSearchQuery,
    responses: { 200: { description: 'A page of transfers', schema: adminTransferPageView } },
    handler: async ({ query }) => {
      const { limit, cursor, ...filter } = query;
      const page = await admin.transactions.search(filter, limit, cursor);
      return { status: 200, body: { data: page.data.map(toAdminTransferView), nextCursor: page.nextCursor } };
    },
  });

  api.route({
    method: 'get',
    path: '/admin/alerts',
    summary: 'Monitoring alerts, newest first',
    tags,
    permission: 'admin:alerts:read',
    query: alertQuery,
    responses: { 200: { description: 'A page of alerts', schema: alertPageView } },
    handler: async ({ query }) => {
      const { limit, cursor, ...filter } = query;
      const page = await admin.monitoring.list(filter, limit, cursor);
      return { status: 200, body: { data: page.data.map(toAlertView), nextCursor: page.nextCursor } };
    },
  });

  api.route({
    method: 'post',
    path: '/admin/alerts/:id/resolve',
    summary: 'Resolve an alert with a note',
    tags,
    permission: 'admin:alerts:resolve',
    params: idParams,
    body: resolveAlertBody,
    responses: { 200: { description: 'The resolved alert', schema: alertView } },
    handler: async (input) => ({
      status: 200,
      body: toAlertView(await admin.monitoring.resolve(adminContext(input), input.params.id, input.body.note)),
    }),
  });
}
