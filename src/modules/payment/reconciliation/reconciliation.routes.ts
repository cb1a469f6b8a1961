import { z } from 'zod';
import type { Api, RouteInput } from '../../../http/api';
import { idParams } from '../../../http/params';
import { pageQuery } from '../../../shared/pagination';
import { exportItemsCsv } from './reconciliation-export';
import {
  exportQuery,
  itemsQuery,
  reconciliationItemPageView,
  reconciliationPageView,
  reconciliationSummaryView,
  reconciliationView,
  toItemView,
  toReconciliationView,
  toSummaryView,
  uploadQuery,
} from './reconciliation.schemas';
import type { OperatorContext } from '../../../shared/audited-actions';
import type { ReconciliationService } from './reconciliation.service';

const tags = ['admin'];

/** A settlement file is at most this big (a month of a busy account's Stripe export is well under). */
export const SETTLEMENT_FILE_BYTES_MAX = 5 * 1024 * 1024;

const operator = (input: Pick<RouteInput<unknown, unknown, unknown>, 'principal' | 'requestId' | 'ip'>): OperatorContext => ({
  actorId: input.principal.sub,
  requestId: input.requestId,
  ip: input.ip,
});

/** Reconciliation of processor settlement files (docs/wallets-and-ledger.md#reconciliation). */
export function reconciliationRoutes(api: Api, reconciliations: ReconciliationService): void {
  api.route({
    method: 'post',
    path: '/admin/reconciliations',
    summary: "Upload a processor settlement file (CSV) and match it against OCP's card charges, card refunds and payouts",
    tags,
    permission: 'admin:reconciliation:write',
    query: uploadQuery,
    upload: {
      contentType: 'text/csv',
      limitBytes: SETTLEMENT_FILE_BYTES_MAX,
      description: "OCP's CSV (id,type,amount,currency,fee,date) or a Stripe balance-transaction export, UTF-8, at most 5 MiB",
      notAcceptedCode: 'settlement_file_not_csv',
    },
    responses: { 201: { description: 'The reconciliation, with its counts per result', schema: reconciliationView } },
    handler: async (input) => ({
      status: 201,
      body: toReconciliationView(await reconciliations.reconcile(operator(input), input.upload!, input.query.processor)),
    }),
  });

  api.route({
    method: 'get',
    path: '/admin/reconciliations',
    summary: 'Reconciliations, newest first',
    tags,
    permission: 'admin:reconciliation:read',
    query: pageQuery.strict(),
    responses: { 200: { description: 'A page of reconciliations', schema: reconciliationPageView } },
    handler: async ({ query }) => {
      const page = await reconciliations.list(query.limit, query.cursor);
      return { status: 200, body: { data: page.data.map(toReconciliationView), nextCursor: page.nextCursor } };
    },
  });

  api.route({
    method: 'get',
    path: '/admin/reconciliations/:id',
    summary: 'One reconciliation: its counts per result, and per kind of record',
    tags,
    permission: 'admin:reconciliation:read',
    params: idParams,
    responses: { 200: { description: 'The reconciliation', schema: reconciliationSummaryView } },
    handler: async ({ params }) => ({ status: 200, body: toSummaryView(await reconciliations.get(params.id)) }),
  });

  api.route({
    method: 'get',
    path: '/admin/reconciliations/:id/items',
    summary: "A reconciliation's items in file order (then what the file left out), optionally of one result",
    tags,
    permission: 'admin:reconciliation:read',
    params: idParams,
    query: itemsQuery,
    responses: { 200: { description: 'A page of items', schema: reconciliationItemPageView } },
    handler: async ({ params, query }) => {
      const page = await reconciliations.items(params.id, query.result, query.limit, query.cursor);
      return { status: 200, body: { data: page.data.map(toItemView), nextCursor: page.nextSeq === null ? null : String(page.nextSeq) } };
    },
  });

  api.route({
    method: 'get',
    path: '/admin/reconciliations/:id/items.csv',
    summary: "A reconciliation's items as CSV (amounts in major units), optionally of one result",
    tags,
    permission: 'admin:reconciliation:read',
    params: idParams,
    query: exportQuery,
    responses: { 200: { description: 'The items as CSV', contentType: 'text/csv', schema: z.string() } },
    handler: async ({ params, query }) => ({
      status: 200,
      headers: { 'Content-Disposition': `attachment; filename="${params.id.replace(/[^A-Za-z0-9_-]/g, '')}-items.csv"` },
      text: { contentType: 'text/csv; charset=utf-8', content: await exportItemsCsv(reconciliations, params.id, query.result) },
    }),
  });
}
