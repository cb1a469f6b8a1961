import { z } from 'zod';
import type { Api, Reply } from '../../../http/api';
import { adjustmentBody, postedTransferView, toPostedTransferView } from '../../ledger';
import type { AdminModule } from '../admin.module';
import { idParams } from '../../../http/params';
import { adminContext, reasonBody } from '../admin.schemas';
import type { ApprovedAdjustment } from '../adjustments/adjustment.service';
import {
  adjustmentListQuery,
  adjustmentPageView,
  adjustmentRequestBody,
  adjustmentRequestView,
  toAdjustmentRequestView,
} from '../adjustments/adjustment.schemas';

const tags = ['admin'];

const approved = (a: ApprovedAdjustment): Reply => ({
  status: 200,
  body: { request: toAdjustmentRequestView(a.request), adjustment: toPostedTransferView(a.adjustment) },
});

/** Wallet adjustments: small ones on an operator's own authority, larger ones through a second operator. */
export function adminAdjustmentRoutes(api: Api, admin: AdminModule): void {
  api.route({
    method: 'post',
    path: '/admin/wallets/:id/adjustments',
    summary: 'Credit (positive) or debit (negative) a wallet against the adjustments account, within the four-eyes limits',
    tags,
    permission: 'admin:wallets:adjust',
    idempotent: true,
    params: idParams,
    body: adjustmentBody,
    responses: { 201: { description: 'The adjustment transfer with its records', schema: postedTransferView } },
    handler: async (input) => {
      const { params, body, persistReply } = input;
      const posted = await admin.adjustments.adjust(adminContext(input), params.id, body.amount, body.reason, (tx, p) =>
        persistReply(tx, { status: 201, body: toPostedTransferView(p) }),
      );
      return { status: 201, body: toPostedTransferView(posted) };
    },
  });

  api.route({
    method: 'post',
    path: '/admin/adjustment-requests',
    summary: 'Ask for an adjustment that another operator approves (beyond the four-eyes limits)',
    tags,
    permission: 'admin:wallets:adjust',
    body: adjustmentRequestBody,
    responses: { 201: { description: 'The pending request', schema: adjustmentRequestView } },
    handler: async (input) => {
      const { walletId, amount, reason } = input.body;
      return { status: 201, body: toAdjustmentRequestView(await admin.adjustments.request(adminContext(input), walletId, amount, reason)) };
    },
  });

  api.route({
    method: 'get',
    path: '/admin/adjustment-requests',
    summary: 'Adjustment requests, newest first, by status',
    tags,
    permission: 'admin:adjustments:read',
    query: adjustmentListQuery,
    responses: { 200: { description: 'A page of adjustment requests', schema: adjustmentPageView } },
    handler: async ({ query }) => {
      const page = await admin.adjustments.list(query.status, query.limit, query.cursor);
      return { status: 200, body: { data: page.data.map(toAdjustmentRequestView), nextCursor: page.nextCursor } };
    },
  });

  api.route({
    method: 'post',
    path: '/admin/adjustment-requests/:id/approve',
    summary: "Approve another operator's request: the adjustment posts once",
    tags,
    permission: 'admin:wallets:adjust',
    idempotent: true,
    params: idParams,
    responses: {
      200: {
        description: 'The decided request and its adjustment',
        schema: z.object({ request: adjustmentRequestView, adjustment: postedTransferView }),
      },
    },
    handler: async (input) =>
      approved(await admin.adjustments.approve(adminContext(input), input.params.id, (tx, a) => input.persistReply(tx, approved(a)))),
  });

  api.route({
    method: 'post',
    path: '/admin/adjustment-requests/:id/reject',
    summary: 'Reject (or, as its requester, withdraw) a pending request, with a reason',
    tags,
    permission: 'admin:wallets:adjust',
    params: idParams,
    body: reasonBody,
    responses: { 200: { description: 'The decided request', schema: adjustmentRequestView } },
    handler: async (input) => ({
      status: 200,
      body: toAdjustmentRequestView(await admin.adjustments.reject(adminContext(input), input.params.id, input.body.reason)),
    }),
  });
}
