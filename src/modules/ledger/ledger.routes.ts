import type { Api, Reply } from '../../http/api';
import { idParams } from '../../http/params';
import {
  heldForReviewView,
  historyQuery,
  postedTransferView,
  refundBody,
  toPostedTransferView,
  toTransactionView,
  transactionPageView,
  transactionView,
  transferBody,
} from './ledger.schemas';
import type { LedgerService } from './ledger.service';
import { multiLegRoutes } from './multi-leg.routes';
import type { HeldForReview, PostedTransfer } from './ledger.types';

const created = (posted: PostedTransfer): Reply => ({ status: 201, body: toPostedTransferView(posted) });
const accepted = (held: HeldForReview): Reply => ({ status: 202, body: held });

export function ledgerRoutes(api: Api, ledger: LedgerService): void {
  api.route({
    method: 'post',
    path: '/wallet/transfer',
    summary: 'Move money between two wallets, atomically',
    tags: ['transfers'],
    permission: 'wallet:transfer',
    idempotent: true,
    body: transferBody,
    responses: {
      201: { description: 'The transfer with its debit and credit records', schema: postedTransferView },
      202: { description: "Held for an operator's risk review: the money is reserved by a hold (docs/risk.md)", schema: heldForReviewView },
    },
    handler: async ({ body, principal, persistReply }) => {
      const result = await ledger.transfer(principal, body, {
        metadata: body.metadata,
        inTx: (tx, posted) => persistReply(tx, created(posted)),
        onHeld: (tx, held) => persistReply(tx, accepted(held)),
      });
      return 'holdId' in result ? accepted(result) : created(result);
    },
  });

  api.route({
    method: 'get',
    path: '/wallets/:id/transactions',
    summary: "A wallet's transaction history, newest first",
    tags: ['transactions'],
    permission: 'transaction:read',
    params: idParams,
    query: historyQuery,
    responses: { 200: { description: 'A page of transactions', schema: transactionPageView } },
    handler: async ({ params, query, principal }) => {
      const { limit, cursor, ...filter } = query;
      const page = await ledger.history(principal, params.id, filter, limit, cursor);
      return { status: 200, body: { data: page.data.map(toTransactionView), nextCursor: page.nextCursor } };
    },
  });

  api.route({
    method: 'get',
    path: '/transactions/:id',
    summary: 'One transaction record',
    tags: ['transactions'],
    permission: 'transaction:read',
    params: idParams,
    responses: { 200: { description: 'The transaction', schema: transactionView } },
    handler: async ({ params, principal }) => ({
      status: 200,
      body: toTransactionView(await ledger.getEntry(principal, params.id)),
    }),
  });

  api.route({
    method: 'post',
    path: '/transactions/:id/refund',
    summary: 'Refund all or part of a received transfer, as a new linked transfer',
    tags: ['transactions'],
    permission: 'transaction:refund',
    idempotent: true,
    params: idParams,
    body: refundBody,
    responses: { 201: { description: 'The refund transfer with its records', schema: postedTransferView } },
    handler: async ({ params, body, principal, persistReply }) =>
      created(await ledger.refund(principal, params.id, body.amount, body.reason, { inTx: (tx, p) => persistReply(tx, created(p)) })),
  });
  // POST /admin/wallets/:id/adjustments lives in the admin module, which audits it.

  multiLegRoutes(api, ledger.multiLeg);
}
