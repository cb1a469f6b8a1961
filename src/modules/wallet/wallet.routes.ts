import { idParams } from '../../http/params';
import type { Api } from '../../http/api';
import { Forbidden } from '../../shared/errors';
import { createWalletBody, toWalletView, updateWalletBody, walletListQuery, walletPageView, walletView } from './wallet.schemas';
import type { WalletService } from './wallet.service';

const tags = ['wallets'];

export function walletRoutes(api: Api, wallets: WalletService): void {
  api.route({
    method: 'post',
    path: '/wallets',
    summary: 'Open a wallet in a currency',
    tags,
    permission: 'wallet:write',
    body: createWalletBody,
    responses: { 201: { description: 'The new wallet, with a zero balance', schema: walletView } },
    handler: async ({ body, principal }) => {
      // A wallet belongs to the user who opens it; an API client is no user (its id would be the owner).
      if (principal.role === 'service') throw new Forbidden('An API client cannot open a wallet: a user opens their own');
      return { status: 201, body: toWalletView(await wallets.create(principal.sub, body)) };
    },
  });

  api.route({
    method: 'get',
    path: '/wallets',
    summary: "The caller's wallets, newest first, optionally only those whose metadata matches metadata[key]=value",
    tags,
    permission: 'wallet:read',
    query: walletListQuery,
    responses: { 200: { description: 'A page of wallets', schema: walletPageView } },
    handler: async ({ query, principal }) => {
      const page = await wallets.list(principal.sub, query.limit, query.cursor, query.metadata);
      return { status: 200, body: { data: page.data.map(toWalletView), nextCursor: page.nextCursor } };
    },
  });

  api.route({
    method: 'get',
    path: '/wallets/:id',
    summary: 'One wallet',
    tags,
    permission: 'wallet:read',
    params: idParams,
    responses: { 200: { description: 'The wallet', schema: walletView } },
    handler: async ({ params, principal }) => ({
      status: 200,
      body: toWalletView(await wallets.get(principal, params.id)),
    }),
  });

  api.route({
    method: 'patch',
    path: '/wallets/:id',
    summary: 'Change label, metadata, low-balance threshold or status (closing needs a zero balance)',
    tags,
    permission: 'wallet:write',
    params: idParams,
    body: updateWalletBody,
    responses: { 200: { description: 'The changed wallet', schema: walletView } },
    handler: async ({ params, body, principal }) => ({
      status: 200,
      body: toWalletView(await wallets.update(principal, params.id, body)),
    }),
  });
}
