import { idParams } from '../../http/params';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { Api } from '../../http/api';
import { pageQuery } from '../../shared/pagination';
import {
  a2aTransferBody,
  agentPaymentPageView,
  agentPaymentView,
  auditPageView,
  paymentReply,
  toAgentPaymentView,
  toAuditEntryView,
} from './agent-payment.schemas';
import { agentView, toAgentView } from './agent.schemas';
import type { AgentPaymentService } from './agent-payment.service';

/** Registered before the agent routes: "/agents/approvals" must not be taken for "/agents/:id". */
export function agentPaymentRoutes(api: Api, payments: AgentPaymentService, limits: { payment: RequestHandler }): void {
  api.route({
    method: 'post',
    path: '/a2a/transfers',
    summary: "An agent pays another agent or a wallet from its bound wallet, under its owner's policy",
    tags: ['a2a'],
    permission: 'agent:pay',
    idempotent: true,
    before: [limits.payment],
    body: a2aTransferBody,
    responses: {
      201: { description: 'Paid', schema: agentPaymentView },
      202: { description: 'Above the approval threshold: waiting for the owner, nothing moved', schema: agentPaymentView },
    },
    handler: async ({ body, principal, persistReply }) => {
      const { to, amount, currency, memo, mandate } = body;
      const request = { to, amount, currency, source: 'a2a', ...(memo ? { memo } : {}), ...(mandate ? { mandate } : {}) };
      return paymentReply(await payments.pay(principal, request, (tx, p) => persistReply(tx, paymentReply(p))));
    },
  });

  api.route({
    method: 'get',
    path: '/a2a/me',
    summary: 'The calling agent: its policy and what it has spent today and this month (UTC)',
    tags: ['a2a'],
    permission: 'agent:pay',
    responses: {
      200: {
        description: 'The agent',
        schema: agentView.extend({ ownerId: z.string(), spent: z.object({ day: z.string(), month: z.string() }) }),
      },
    },
    handler: async ({ principal }) => {
      const { agent, spent } = await payments.whoAmI(principal);
      return { status: 200, body: { ...toAgentView(agent), ownerId: agent.ownerId, spent } };
    },
  });

  api.route({
    method: 'get',
    path: '/a2a/payments',
    summary: "The calling agent's payments, newest first",
    tags: ['a2a'],
    permission: 'agent:pay',
    query: pageQuery,
    responses: { 200: { description: 'A page of payments', schema: agentPaymentPageView } },
    handler: async ({ query, principal }) => {
      const page = await payments.listPayments(principal, query.limit, query.cursor);
      return { status: 200, body: { data: page.data.map(toAgentPaymentView), nextCursor: page.nextCursor } };
    },
  });

  api.route({
    method: 'get',
    path: '/agents/approvals',
    summary: "Payments of the caller's agents waiting for approval",
    tags: ['agents'],
    permission: 'agent:manage',
    query: pageQuery,
    responses: { 200: { description: 'A page of pending payments', schema: agentPaymentPageView } },
    handler: async ({ query, principal }) => {
      const page = await payments.listApprovals(principal, query.limit, query.cursor);
      return { status: 200, body: { data: page.data.map(toAgentPaymentView), nextCursor: page.nextCursor } };
    },
  });

  api.route({
    method: 'post',
    path: '/agents/approvals/:id/approve',
    summary: 'Approve a pending agent payment: it is paid once, with budgets checked now',
    tags: ['agents'],
    permission: 'agent:manage',
    idempotent: true,
    params: idParams,
    responses: { 201: { description: 'Paid', schema: agentPaymentView } },
    handler: async ({ params, principal, persistReply }) =>
      paymentReply(await payments.approve(principal, params.id, (tx, p) => persistReply(tx, paymentReply(p)))),
  });

  api.route({
    method: 'post',
    path: '/agents/approvals/:id/decline',
    summary: 'Decline a pending agent payment',
    tags: ['agents'],
    permission: 'agent:manage',
    params: idParams,
    responses: { 200: { description: 'Declined', schema: agentPaymentView } },
    handler: async ({ params, principal }) => ({ status: 200, body: toAgentPaymentView(await payments.decline(principal, params.id)) }),
  });

  api.route({
    method: 'get',
    path: '/agents/:id/audit',
    summary: "Every decision about an agent's payments, newest first",
    tags: ['agents'],
    permission: 'agent:manage',
    params: idParams,
    query: pageQuery,
    responses: { 200: { description: 'A page of audit records', schema: auditPageView } },
    handler: async ({ params, query, principal }) => {
      const page = await payments.auditLog(principal, params.id, query.limit, query.cursor);
      return { status: 200, body: { data: page.data.map(toAuditEntryView), nextCursor: page.nextCursor } };
    },
  });
}
