import type { Api, Reply } from '../../../http/api';
import { postedTransferView, toPostedTransferView } from '../../ledger';
import type { AdminModule } from '../admin.module';
import { idParams } from '../../../http/params';
import { adminContext, reasonBody } from '../admin.schemas';
import type { ApprovedRefund } from '../refunds/refund.service';
import {
  refundListQuery,
  refundPageView,
  refundRequestBody,
  refundRequestView,
  supportRefundRequestBody,
  toRefundRequestView,
} from '../refunds/refund.schemas';
import { z } from 'zod';

const tags = ['admin'];

const approved = (a: ApprovedRefund): Reply => ({
  status: 200,
  body: { request: toRefundRequestView(a.request), refund: toPostedTransferView(a.refund) },
});

/** Refund requests: opened by customers or support, decided by finance. */
export function adminRefundRoutes(api: Api, admin: AdminModule): void {
  api.route({
    method: 'post',
    path: '/transactions/:id/refund-requests',
    summary: 'Ask for (part of) one of your transactions back; an operator decides',
    tags: ['transactions'],
    permission: 'refund-request:create',
    params: idParams,
    body: refundRequestBody,
    responses: { 201: { description: 'The pending request', schema: refundRequestView } },
    handler: async ({ params, body, principal }) => ({
      status: 201,
      body: toRefundRequestView(await admin.refunds.requestByCustomer(principal, params.id, body.amount, body.reason)),
    }),
  });

  api.route({
    method: 'post',
    path: '/admin/refunds',
    summary: 'Open a refund request for a customer',
    tags,
    permission: 'admin:refunds:request',
    body: supportRefundRequestBody,
    responses: { 201: { description: 'The pending request', schema: refundRequestView } },
    handler: async (input) => {
      const { body, principal } = input;
      const created = await admin.refunds.requestBySupport(adminContext(input), principal, body.transactionId, body.amount, body.reason);
      return { status: 201, body: toRefundRequestView(created) };
    },
  });

  api.route({
    method: 'get',
    path: '/admin/refunds',
    summary: 'Refund requests, newest first, by status',
    tags,
    permission: 'admin:refunds:read',
    query: refundListQuery,
    responses: { 200: { description: 'A page of refund requests', schema: refundPageView } },
    handler: async ({ query }) => {
      const page = await admin.refunds.list(query.status, query.limit, query.cursor);
      return { status: 200, body: { data: page.data.map(toRefundRequestView), nextCursor: page.nextCursor } };
    },
  });

  api.route({
    method: 'post',
    path: '/admin/refunds/:id/approve',
    summary: 'Approve a pending request: the ledger refund runs once, never beyond the refundable amount',
    tags,
    permission: 'admin:refunds:approve',
    idempotent: true,
    params: idParams,
    responses: {
      200: {
        description: 'The decided request and its refund',
        schema: z.object({ request: refundRequestView, refund: postedTransferView }),
      },
    },
    handler: async (input) =>
      approved(
        await admin.refunds.approve(adminContext(input), input.principal, input.params.id, (tx, a) => input.persistReply(tx, approved(a))),
      ),
  });

  api.route({
    method: 'post',
    path: '/admin/refunds/:id/reject',
    summary: 'Reject a pending request, with a reason',
    tags,
    permission: 'admin:refunds:approve',
    params: idParams,
    body: reasonBody,
    responses: { 200: { description: 'The decided request', schema: refundRequestView } },
    handler: async (input) => ({
      status: 200,
      body: toRefundRequestView(await admin.refunds.reject(adminContext(input), input.params.id, input.body.reason)),
    }),
  });
}
