import type { RequestHandler } from 'express';
import type { Api, Reply } from '../../../http/api';
import { idParams } from '../../../http/params';
import type { Payout } from './payout.repository';
import type { PayoutService } from './payout.service';
import {
  bankAccountBody,
  bankAccountView,
  payoutBody,
  payoutListQuery,
  payoutPageView,
  payoutView,
  toBankAccountView,
  toPayoutView,
} from './payout.schemas';

const created = (p: Payout): Reply => ({ status: 201, body: toPayoutView(p) });

export function payoutRoutes(api: Api, payouts: PayoutService, limits: { payment: RequestHandler }): void {
  api.route({
    method: 'post',
    path: '/payouts',
    summary: 'Send money from a wallet to your card or bank account (pending until the processor answers)',
    tags: ['payouts'],
    permission: 'wallet:payout',
    idempotent: true,
    before: [limits.payment],
    body: payoutBody,
    responses: { 201: { description: 'The payout, pending: the money has left the wallet and is in transit', schema: payoutView } },
    // The reply is stored with the debit, so a replay shows the payout as it was created.
    handler: async ({ body, principal, persistReply }) =>
      created(await payouts.create(principal, body, (tx, payout) => persistReply(tx, created(payout)))),
  });

  api.route({
    method: 'get',
    path: '/payouts/:id',
    summary: 'One payout and its status',
    tags: ['payouts'],
    permission: 'wallet:read',
    params: idParams,
    responses: { 200: { description: 'The payout', schema: payoutView } },
    handler: async ({ params, principal }) => ({ status: 200, body: toPayoutView(await payouts.get(principal, params.id)) }),
  });

  api.route({
    method: 'get',
    path: '/payouts',
    summary: "A wallet's payouts, newest first",
    tags: ['payouts'],
    permission: 'wallet:read',
    query: payoutListQuery,
    responses: { 200: { description: 'A page of payouts', schema: payoutPageView } },
    handler: async ({ query, principal }) => {
      const page = await payouts.list(principal, query.walletId, query.limit, query.cursor);
      return { status: 200, body: { data: page.data.map(toPayoutView), nextCursor: page.nextCursor } };
    },
  });

  api.route({
    method: 'post',
    path: '/payout-destinations',
    summary: 'Register your bank account with the processor as a payout destination (only its last four digits are kept)',
    tags: ['payouts'],
    permission: 'wallet:payout',
    before: [limits.payment],
    body: bankAccountBody,
    responses: { 201: { description: 'The destination: use its id as destination.tokenId', schema: bankAccountView } },
    handler: async ({ body, principal }) => ({
      status: 201,
      body: toBankAccountView(await payouts.registerBankAccount(principal, body)),
    }),
  });
}
