import type { Api, Reply } from '../../http/api';
import { idParams } from '../../http/params';
import type { MultiLegTransactions, MultiLegTransaction } from './multi-leg.service';
import {
  multiLegBody,
  multiLegView,
  toMultiLegView,
  toTransferRecordView,
  transferListQuery,
  transferRecordPageView,
} from './multi-leg.schemas';

const created = (transaction: MultiLegTransaction): Reply => ({ status: 201, body: toMultiLegView(transaction) });

/**
 * POST /transactions posts a multi-leg transaction; GET /transactions/multi-leg/{id} reads one back
 * (GET /transactions/{id} stays the read of one ledger entry, txn_…); GET /transfers searches the
 * caller's transfers by metadata.
 */
export function multiLegRoutes(api: Api, multiLeg: MultiLegTransactions): void {
  api.route({
    method: 'post',
    path: '/transactions',
    summary: 'Post a multi-leg transaction: 2 to 50 transfers, all or none',
    tags: ['transfers'],
    permission: 'wallet:transfer',
    idempotent: true,
    body: multiLegBody,
    responses: { 201: { description: 'The transaction and its legs', schema: multiLegView } },
    handler: async ({ body, principal, persistReply }) =>
      created(await multiLeg.post(principal, body, (tx, transaction) => persistReply(tx, created(transaction)))),
  });

  api.route({
    method: 'get',
    path: '/transactions/multi-leg/:id',
    summary: 'One multi-leg transaction (mlt_…) with its legs',
    tags: ['transfers'],
    permission: 'transaction:read',
    params: idParams,
    responses: { 200: { description: 'The transaction and the legs the caller may see', schema: multiLegView } },
    handler: async ({ params, principal }) => ({ status: 200, body: toMultiLegView(await multiLeg.get(principal, params.id)) }),
  });

  api.route({
    method: 'get',
    path: '/transfers',
    summary: "The caller's transfers (from or to its wallets) whose metadata matches metadata[key]=value, newest first",
    tags: ['transfers'],
    permission: 'transaction:read',
    query: transferListQuery,
    responses: { 200: { description: 'A page of transfers', schema: transferRecordPageView } },
    handler: async ({ query, principal }) => {
      const page = await multiLeg.listTransfers(principal, query.metadata, query.limit, query.cursor);
      return { status: 200, body: { data: page.data.map(toTransferRecordView), nextCursor: page.nextCursor } };
    },
  });
}
