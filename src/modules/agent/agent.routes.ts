import { idParams } from '../../http/params';
import type { Api } from '../../http/api';
import { pageQuery } from '../../shared/pagination';
import {
  agentPageView,
  agentView,
  createAgentBody,
  unlimitedPolicy,
  registeredAgentView,
  toAgentView,
  updateAgentBody,
} from './agent.schemas';
import type { Agent } from './agent.repository';
import type { AgentService } from './agent.service';

const tags = ['agents'];
const permission = 'agent:manage';
// A reply that carries a secret must not be kept by a browser or a proxy.
const NO_STORE = { 'Cache-Control': 'no-store' };

export function agentRoutes(api: Api, agents: AgentService): void {
  api.route({
    method: 'post',
    path: '/agents',
    summary: 'Register an AI agent with a spending policy; returns its credentials once',
    tags,
    permission,
    body: createAgentBody,
    responses: { 201: { description: 'The agent and its credentials', schema: registeredAgentView } },
    handler: async ({ body, principal }) => {
      const { unlimited: _unlimited, policy, ...registration } = body;
      const { agent, clientSecret } = await agents.register(principal, { ...registration, policy: policy ?? unlimitedPolicy() });
      return { status: 201, body: withCredentials(agent, clientSecret), headers: NO_STORE };
    },
  });

  api.route({
    method: 'get',
    path: '/agents',
    summary: "The caller's agents, newest first",
    tags,
    permission,
    query: pageQuery,
    responses: { 200: { description: 'A page of agents', schema: agentPageView } },
    handler: async ({ query, principal }) => {
      const page = await agents.list(principal, query.limit, query.cursor);
      return { status: 200, body: { data: page.data.map(toAgentView), nextCursor: page.nextCursor } };
    },
  });

  api.route({
    method: 'get',
    path: '/agents/:id',
    summary: 'One agent with its current policy',
    tags,
    permission,
    params: idParams,
    responses: { 200: { description: 'The agent', schema: agentView } },
    handler: async ({ params, principal }) => ({ status: 200, body: toAgentView(await agents.get(principal, params.id)) }),
  });

  api.route({
    method: 'patch',
    path: '/agents/:id',
    summary: 'Rename an agent or replace its policy (a new policy version)',
    tags,
    permission,
    params: idParams,
    body: updateAgentBody,
    responses: { 200: { description: 'The changed agent', schema: agentView } },
    handler: async ({ params, body, principal }) => ({
      status: 200,
      body: toAgentView(await agents.update(principal, params.id, body)),
    }),
  });

  api.route({
    method: 'post',
    path: '/agents/:id/credentials/rotate',
    summary: 'Give an agent a new secret, returned once; the old secret and its tokens stop working at once',
    tags,
    permission,
    params: idParams,
    responses: { 200: { description: 'The agent and its new credentials', schema: registeredAgentView } },
    handler: async ({ params, principal }) => {
      const { agent, clientSecret } = await agents.rotateCredentials(principal, params.id);
      return { status: 200, body: withCredentials(agent, clientSecret), headers: NO_STORE };
    },
  });

  const statusRoutes = [
    ['suspend', 'suspended', 'Suspend an agent: its tokens stop working at once'],
    ['resume', 'active', 'Resume a suspended agent'],
    ['revoke', 'revoked', 'Revoke an agent for good: its tokens and credentials stop working at once'],
  ] as const;
  for (const [action, status, summary] of statusRoutes) {
    api.route({
      method: 'post',
      path: `/agents/:id/${action}`,
      summary,
      tags,
      permission,
      params: idParams,
      responses: { 200: { description: 'The agent', schema: agentView } },
      handler: async ({ params, principal }) => ({
        status: 200,
        body: toAgentView(await agents.setStatus(principal, params.id, status)),
      }),
    });
  }
}

/** The only replies that carry an agent's secret: right after it was made. */
function withCredentials(agent: Agent, clientSecret: string) {
  return { ...toAgentView(agent), credentials: { clientId: agent.clientId, clientSecret } };
}
