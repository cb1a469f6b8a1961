import type { Api, Reply } from '../../../http/api';
import type { AdminModule } from '../admin.module';
import { idParams } from '../../../http/params';
import { adminContext, reasonBody } from '../admin.schemas';
import type { CardRefundRecord } from '../card-refunds/card-refund-desk';
import { cardRefundListQuery, cardRefundPageView, cardRefundView, toCardRefundView } from '../card-refunds/card-refund.schemas';

const tags = ['admin'];

const view = (r: CardRefundRecord): Reply => ({ status: 200, body: toCardRefundView(r) });

/** What is owed back to cards after ledger refunds, and the retry of the refunds that failed. */
export function adminCardRefundRoutes(api: Api, admin: AdminModule): void {
  api.route({
    method: 'get',
    path: '/admin/card-refunds',
    summary: 'Refunds owed to cards after ledger refunds of card-funded transfers, newest first, by status',
    tags,
    permission: 'admin:card-refunds:read',
    query: cardRefundListQuery,
    responses: { 200: { description: 'A page of card refunds', schema: cardRefundPageView } },
    handler: async ({ query }) => {
      const page = await admin.cardRefunds.list(query.status, query.limit, query.cursor);
      return { status: 200, body: { data: page.data.map(toCardRefundView), nextCursor: page.nextCursor } };
    },
  });

  api.route({
    method: 'get',
    path: '/admin/card-refunds/:id',
    summary: 'One card refund',
    tags,
    permission: 'admin:card-refunds:read',
    params: idParams,
    responses: { 200: { description: 'The card refund', schema: cardRefundView } },
    handler: async ({ params }) => view(await admin.cardRefunds.get(params.id)),
  });

  api.route({
    method: 'post',
    path: '/admin/card-refunds/:id/retry',
    summary: 'Send a failed card refund back to pending and ask the processor again (same idempotency key: never refunded twice)',
    tags,
    permission: 'admin:card-refunds:retry',
    idempotent: true,
    params: idParams,
    body: reasonBody,
    responses: { 200: { description: 'The card refund as reopened (pending); GET it for the outcome', schema: cardRefundView } },
    handler: async (input) =>
      view(
        await admin.cardRefunds.retry(adminContext(input), input.params.id, input.body.reason, (tx, r) => input.persistReply(tx, view(r))),
      ),
  });
}
