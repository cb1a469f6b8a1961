import { idParams } from '../../http/params';
import type { RequestHandler } from 'express';
import type { Api } from '../../http/api';
import { createTokenBody, tokenView, toTokenView } from './token.schemas';
import type { TokenService } from './token.service';

const tags = ['tokens'];

export function tokenRoutes(api: Api, tokens: TokenService, limits: { payment: RequestHandler }): void {
  api.route({
    method: 'post',
    path: '/tokens',
    summary: 'Tokenize a card: the number goes to the token provider, only a token id comes back',
    tags,
    permission: 'token:manage',
    before: [limits.payment],
    body: createTokenBody,
    responses: { 201: { description: 'The token with its non-sensitive card view', schema: tokenView } },
    handler: async ({ body, principal }) => ({
      status: 201,
      body: toTokenView(await tokens.createFromCard(principal.sub, body.data)),
    }),
  });

  api.route({
    method: 'get',
    path: '/tokens/:id',
    summary: "One of the caller's tokens (brand, last4, expiry; never the number)",
    tags,
    permission: 'token:manage',
    params: idParams,
    responses: { 200: { description: 'The token', schema: tokenView } },
    handler: async ({ params, principal }) => ({ status: 200, body: toTokenView(await tokens.get(principal.sub, params.id)) }),
  });

  api.route({
    method: 'delete',
    path: '/tokens/:id',
    summary: 'Delete a token at its provider and in OCP',
    tags,
    permission: 'token:manage',
    params: idParams,
    responses: { 204: { description: 'Deleted' } },
    handler: async ({ params, principal }) => {
      await tokens.delete(principal.sub, params.id);
      return { status: 204 };
    },
  });
}
