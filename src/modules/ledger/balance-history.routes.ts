import { z } from 'zod';
import type { Api } from '../../http/api';
import { idParams } from '../../http/params';
import { balanceAtView, balanceQuery, statementQuery, statementView, toBalanceAtView, toStatementView } from './balance-history.schemas';
import type { BalanceHistoryService } from './balance-history.service';
import { statementCsv } from './statement-csv';

const tags = ['wallets'];

/** CSV when asked by ?format=csv, or by Accept: text/csv without ?format. */
function wantsCsv(format: 'json' | 'csv' | undefined, accept: string | undefined): boolean {
  return format === 'csv' || (format === undefined && /\btext\/csv\b/i.test(accept ?? ''));
}

export function balanceHistoryRoutes(api: Api, history: BalanceHistoryService): void {
  api.route({
    method: 'get',
    path: '/wallets/:id/balance',
    summary: "A wallet's balance now, or at a point in time from its ledger entries",
    tags,
    permission: 'wallet:read',
    params: idParams,
    query: balanceQuery,
    responses: { 200: { description: 'The balance after every entry at or before `at`', schema: balanceAtView } },
    handler: async ({ params, query, principal }) => ({
      status: 200,
      body: toBalanceAtView(await history.balanceAt(principal, params.id, query.at)),
    }),
  });

  api.route({
    method: 'get',
    path: '/wallets/:id/statement',
    summary: 'A statement of [from, to): opening balance, entries in posting order with running balance, closing balance',
    tags,
    permission: 'transaction:read',
    params: idParams,
    query: statementQuery,
    responses: {
      200: {
        description: 'One page of the statement; CSV pages give the next cursor in OCP-Next-Cursor',
        schema: statementView,
        otherMedia: { 'text/csv': z.string() },
      },
    },
    handler: async ({ params, query, principal, headers }) => {
      const { from, to, limit, cursor } = query;
      const statement = await history.statement(principal, params.id, {
        from,
        ...(to ? { to } : {}),
        limit,
        ...(cursor ? { afterEntryId: cursor } : {}),
      });
      const view = toStatementView(statement);
      if (!wantsCsv(query.format, headers.accept)) return { status: 200, body: view };
      return {
        status: 200,
        text: { contentType: 'text/csv; charset=utf-8', content: statementCsv(statement, cursor === undefined) },
        headers: {
          'Content-Disposition': `attachment; filename="statement.csv"`,
          ...(view.nextCursor ? { 'OCP-Next-Cursor': view.nextCursor } : {}),
        },
      };
    },
  });
}
