import type { RequestHandler } from 'express';
import type { Api, Reply } from '../../http/api';
import { idParams } from '../../http/params';
import type { Web3Send } from './web3.repository';
import {
  balanceQuery,
  balanceView,
  createWeb3WalletBody,
  historyQuery,
  sendBody,
  sendPageView,
  sendView,
  toBalanceView,
  toSendView,
  toWeb3WalletView,
  web3WalletPageView,
  web3WalletView,
} from './web3.schemas';
import type { Web3SendService } from './web3-send.service';
import type { Web3WalletService } from './web3-wallet.service';

const tags = ['web3'];
// 202: the transaction is on its way; its outcome comes later (status, or a web3.send.* webhook).
const accepted = (send: Web3Send): Reply => ({ status: 202, body: toSendView(send) });

export function web3Routes(api: Api, wallets: Web3WalletService, sends: Web3SendService, limits: { payment: RequestHandler }): void {
  api.route({
    method: 'post',
    path: '/web3/wallets',
    summary: 'Create a chain wallet: the key pair is generated and kept in the vault',
    tags,
    permission: 'web3:write',
    body: createWeb3WalletBody,
    responses: { 201: { description: 'The wallet id and its checksummed address', schema: web3WalletView } },
    handler: async ({ body, principal }) => ({ status: 201, body: toWeb3WalletView(await wallets.create(principal, body)) }),
  });

  api.route({
    method: 'get',
    path: '/web3/wallets',
    summary: "The caller's chain wallets, newest first",
    tags,
    permission: 'web3:read',
    query: historyQuery,
    responses: { 200: { description: 'A page of chain wallets', schema: web3WalletPageView } },
    handler: async ({ query, principal }) => {
      const page = await wallets.list(principal, query.limit, query.cursor);
      return { status: 200, body: { data: page.data.map(toWeb3WalletView), nextCursor: page.nextCursor } };
    },
  });

  api.route({
    method: 'get',
    path: '/web3/wallets/:id/balance',
    summary: 'Native and configured ERC-20 balances, read from the chain',
    tags,
    permission: 'web3:read',
    params: idParams,
    query: balanceQuery,
    responses: { 200: { description: 'Balances in base units, with decimals', schema: balanceView } },
    handler: async ({ params, query, principal }) => ({
      status: 200,
      body: toBalanceView(await wallets.balances(principal, params.id, query.chainId)),
    }),
  });

  api.route({
    method: 'get',
    path: '/web3/wallets/:id/transactions',
    summary: "A chain wallet's on-chain sends (type web3_send), newest first",
    tags,
    permission: 'web3:read',
    params: idParams,
    query: historyQuery,
    responses: { 200: { description: 'A page of sends', schema: sendPageView } },
    handler: async ({ params, query, principal }) => {
      const page = await sends.history(principal, params.id, query.limit, query.cursor);
      return { status: 200, body: { data: page.data.map(toSendView), nextCursor: page.nextCursor } };
    },
  });

  api.route({
    method: 'get',
    path: '/web3/sends/:id',
    summary: 'One on-chain send and its status',
    tags,
    permission: 'web3:read',
    params: idParams,
    responses: { 200: { description: 'The send', schema: sendView } },
    handler: async ({ params, principal }) => ({ status: 200, body: toSendView(await sends.get(principal, params.id)) }),
  });

  api.route({
    method: 'post',
    path: '/web3/send',
    summary: 'Send native value or an ERC-20 token on chain, signed in the vault; returns the hash',
    tags,
    permission: 'web3:send',
    idempotent: true,
    before: [limits.payment],
    body: sendBody,
    responses: { 202: { description: 'Broadcast and recorded as pending', schema: sendView } },
    handler: async ({ body, principal, persistReply }) =>
      accepted(await sends.send(principal, body, (tx, send) => persistReply(tx, accepted(send)))),
  });
}
