import { idParams } from '../../http/params';
import type { Api } from '../../http/api';
import { pageQuery } from '../../shared/pagination';
import { toX402PaymentView, x402PaymentPageView } from './x402-payment.schemas';
import type { AgentX402Service } from './x402-payment.service';

/** The x402 payments OCP made for agents: the calling agent's own, and an agent's for its owner. */
export function x402PaymentRoutes(api: Api, x402: AgentX402Service): void {
  api.route({
    method: 'get',
    path: '/x402/payments',
    summary: "The calling agent's x402 payments, newest first",
    tags: ['x402'],
    permission: 'agent:pay',
    query: pageQuery,
    responses: { 200: { description: 'A page of x402 payments', schema: x402PaymentPageView } },
    handler: async ({ query, principal }) => {
      const page = await x402.history(principal, query.limit, query.cursor);
      return { status: 200, body: { data: page.data.map(toX402PaymentView), nextCursor: page.nextCursor } };
    },
  });

  api.route({
    method: 'get',
    path: '/agents/:id/x402-payments',
    summary: "An agent's x402 payments, newest first, for its owner",
    tags: ['agents', 'x402'],
    permission: 'agent:manage',
    params: idParams,
    query: pageQuery,
    responses: { 200: { description: 'A page of x402 payments', schema: x402PaymentPageView } },
    handler: async ({ params, query, principal }) => {
      const page = await x402.historyForOwner(principal, params.id, query.limit, query.cursor);
      return { status: 200, body: { data: page.data.map(toX402PaymentView), nextCursor: page.nextCursor } };
    },
  });
}
