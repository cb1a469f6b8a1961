import type { Api, Reply } from '../../../http/api';
import { idParams } from '../../../http/params';
import {
  captureHoldBody,
  capturedHoldView,
  createHoldBody,
  holdListQuery,
  holdPageView,
  holdView,
  toCapturedHoldView,
  toHoldView,
} from './hold.schemas';
import type { Hold } from './hold.repository';
import type { CapturedHold, HoldService } from './hold.service';

const tags = ['holds'];
const reply =
  (status: number) =>
  (hold: Hold): Reply => ({ status, body: toHoldView(hold) });
const captured = (result: CapturedHold): Reply => ({ status: 200, body: toCapturedHoldView(result) });

export function holdRoutes(api: Api, holds: HoldService): void {
  api.route({
    method: 'post',
    path: '/holds',
    summary: 'Reserve money in a wallet for a payee: its available balance drops, its balance does not',
    tags,
    permission: 'wallet:transfer',
    idempotent: true,
    body: createHoldBody,
    responses: { 201: { description: 'The pending hold', schema: holdView } },
    handler: async ({ body, principal, persistReply }) =>
      reply(201)(await holds.create(principal, body, (tx, hold) => persistReply(tx, reply(201)(hold)))),
  });

  api.route({
    method: 'get',
    path: '/holds/:id',
    summary: 'One hold (its payer, its payee, services and admins)',
    tags,
    permission: 'wallet:read',
    params: idParams,
    responses: { 200: { description: 'The hold', schema: holdView } },
    handler: async ({ params, principal }) => reply(200)(await holds.get(principal, params.id)),
  });

  api.route({
    method: 'get',
    path: '/wallets/:id/holds',
    summary: 'The holds from or to a wallet, newest first',
    tags,
    permission: 'wallet:read',
    params: idParams,
    query: holdListQuery,
    responses: { 200: { description: 'A page of holds', schema: holdPageView } },
    handler: async ({ params, query, principal }) => {
      const page = await holds.list(principal, params.id, query.status, query.limit, query.cursor);
      return { status: 200, body: { data: page.data.map(toHoldView), nextCursor: page.nextCursor } };
    },
  });

  api.route({
    method: 'post',
    path: '/holds/:id/capture',
    summary: 'Post up to the held amount to the payee as a transfer; the rest is released',
    tags,
    permission: 'wallet:transfer',
    idempotent: true,
    params: idParams,
    body: captureHoldBody,
    responses: { 200: { description: 'The captured hold with the transfer and its records', schema: capturedHoldView } },
    handler: async ({ params, body, principal, persistReply }) =>
      captured(await holds.capture(principal, params.id, body.amount, (tx, result) => persistReply(tx, captured(result)))),
  });

  api.route({
    method: 'post',
    path: '/holds/:id/void',
    summary: 'Release a pending hold (its payer or its payee)',
    tags,
    permission: 'wallet:transfer',
    idempotent: true,
    params: idParams,
    responses: { 200: { description: 'The voided hold', schema: holdView } },
    handler: async ({ params, principal, persistReply }) =>
      reply(200)(await holds.void(principal, params.id, (tx, hold) => persistReply(tx, reply(200)(hold)))),
  });
}
