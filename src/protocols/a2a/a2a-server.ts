import { AgentCard, TaskState, type TaskPushNotificationConfig } from '@a2a-js/sdk';
import { DefaultExecutionEventBusManager, DefaultRequestHandler, type ServerCallContext } from '@a2a-js/sdk/server';
import { jsonRpcHandler, restHandler, type UserBuilder } from '@a2a-js/sdk/server/express';
import { Router, type Express, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Api } from '../../http/api';
import { NotFound } from '../../shared/errors';
import type { AgentModule } from '../../modules/agent';
import type { IdempotencyService } from '../../modules/idempotency';
import { A2A_BASE_PATH, agentCard, deploymentCard, REST_SUFFIX, type CardSettings } from './agent-card';
import { OcpCaller } from './caller';
import { a2aJsonBody, inputProblem, refuseInput, type Binding } from './edge-input';
import { InternalErrorsHidden, type ErrorLog } from './internal-errors';
import { PaymentExecutor } from './payment-executor';
import { PaymentSkills } from './payment-skills';
import type { A2aPushConfigRecords, A2aTaskRecords, PaymentRequestRecords } from './ports';
import { OcpPushNotificationStore, withoutSecrets, type PushUrlProblem } from './push-store';
import type { TaskPusher } from './task-pusher';
import { OcpTaskStore } from './task-store';

export interface A2aServerDeps {
  agents: Pick<AgentModule['agents'], 'findListed' | 'boundWallet'>;
  payments: Pick<AgentModule['payments'], 'pay' | 'whoAmI' | 'listPayments'>;
  idempotency: Pick<IdempotencyService, 'storedReply' | 'claim'>;
  tasks: A2aTaskRecords;
  paymentRequests: PaymentRequestRecords;
  /** Push notifications: the configs agents set on their tasks, the webhook module's URL check, the pusher. */
  push: { configs: A2aPushConfigRecords; urlProblem: PushUrlProblem; pusher: TaskPusher };
  card: CardSettings;
  /** The payment rate limit, keyed by the calling agent, as on POST /api/v1/a2a/transfers. */
  paymentLimit: RequestHandler;
  /** Where unexpected errors are logged whole (callers get a generic internal error). */
  logger: ErrorLog;
}

/** The SDK answers a created push config with what the caller sent; OCP shows no secret twice. */
class OcpRequestHandler extends DefaultRequestHandler {
  override async createTaskPushNotificationConfig(
    params: TaskPushNotificationConfig,
    context: ServerCallContext,
  ): Promise<TaskPushNotificationConfig> {
    return withoutSecrets(await super.createTaskPushNotificationConfig(params, context));
  }
}

/** An OCP id's characters (agt_…); anything else names no agent and never reaches the database. */
const AGENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Cards change when an agent is renamed: a short shared cache. */
const CARD_CACHE = 'public, max-age=300';

const REST_STATUS: Record<number, string> = { 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND' };

/**
 * A refusal before the SDK sees the call, in the binding's own error shape: a JSON-RPC error object
 * (code -32600, OCP's code in data) or the HTTP+JSON binding's google.rpc.Status-style body, with
 * the HTTP status (401 with WWW-Authenticate for a missing or bad token).
 */
function refuse(req: Request, res: Response, binding: Binding, status: number, code: string, message: string): void {
  if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="ocp-a2a"');
  const body: unknown =
    binding === 'jsonrpc'
      ? { jsonrpc: '2.0', id: rpcId(req.body), error: { code: -32600, message, data: { code, httpStatus: status } } }
      : {
          error: {
            code: status,
            status: REST_STATUS[status],
            message,
            details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: code, domain: 'ocp', metadata: {} }],
          },
        };
  res.status(status).json(body);
}

function rpcId(body: unknown): string | number | null {
  const id = (body as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

/**
 * Mounts OCP's A2A server (A2A protocol v1.0, @a2a-js/sdk 1.3.0) on the app, outside /api/v1:
 * - GET /.well-known/agent-card.json: the deployment's card;
 * - GET /a2a/{agentId}/.well-known/agent-card.json: each active agent's card. Not also at
 *   /a2a/.well-known/agent-card.json: the SDK resolves the card relative to the URL it is given, so
 *   `…/a2a/{agentId}` without its trailing slash would have found the deployment's card instead of
 *   the agent's; it finds nothing and says so.
 * - POST /a2a/{agentId} (JSON-RPC) and /a2a/{agentId}/rest/… (HTTP+JSON): calls to that agent;
 * - POST /a2a and /a2a/rest/…: calls to the caller's own agent.
 * Calls need an OCP agent token (bearer); tasks are kept in OCP's database, per calling agent.
 */
export function mountA2aServer(app: Express, api: Api, d: A2aServerDeps): void {
  document(api);
  const listed = (id: string) => (AGENT_ID.test(id) ? d.agents.findListed(id) : Promise.resolve(null));
  const skills = new PaymentSkills(d.payments, d.agents, d.idempotency, d.paymentRequests, d.card);
  // INPUT_REQUIRED only: a task waiting for the owner (AUTH_REQUIRED) is moved on by the owner's
  // approval outside this call, so its event bus is not kept open for it.
  const handler = new OcpRequestHandler(
    deploymentCard(d.card),
    new OcpTaskStore(d.tasks, d.logger),
    new PaymentExecutor(skills, d.logger),
    new DefaultExecutionEventBusManager(),
    new OcpPushNotificationStore(d.push.configs, d.push.urlProblem),
    d.push.pusher,
    undefined,
    undefined,
    { keepBusAliveStates: [TaskState.TASK_STATE_INPUT_REQUIRED] },
  );
  const targets = new WeakMap<Request, string>();
  const userBuilder: UserBuilder = async (req) => new OcpCaller(req.principal!, targets.get(req)!);
  const requestHandler = new InternalErrorsHidden(handler, d.logger);
  const rpc = jsonRpcHandler({ requestHandler, userBuilder });
  const rest = restHandler({ requestHandler, userBuilder });

  /**
   * Lets through an agent token calling an active agent (`:agentId`, or the caller itself), with
   * input every OCP edge accepts (edge-input.ts): nothing of a refused call runs.
   */
  const guard =
    (binding: Binding): RequestHandler =>
    async (req, res, next) => {
      try {
        // The JSON-RPC endpoint is the exact path; anything below it that no route took is not ours.
        if (binding === 'jsonrpc' && (req.method !== 'POST' || req.path !== '/')) return next('router');
        const principal = req.principal;
        if (!principal)
          return refuse(req, res, binding, 401, req.authError?.code ?? 'unauthorized', 'An OCP agent bearer token is required');
        if (principal.role !== 'agent') return refuse(req, res, binding, 403, 'agent_only', 'Only an OCP agent token can call A2A');
        const problem = inputProblem(req, binding);
        if (problem) return refuseInput(req, res, binding, problem);
        const agentId = typeof req.params['agentId'] === 'string' ? req.params['agentId'] : principal.sub;
        if (!(await listed(agentId))) return refuse(req, res, binding, 404, 'agent_not_found', 'No active agent with this id');
        targets.set(req, agentId);
        next();
      } catch (error) {
        next(error);
      }
    };

  const sendCard = (res: Response, card: AgentCard) => {
    res.setHeader('Cache-Control', CARD_CACHE);
    res.type('application/json').send(JSON.stringify(AgentCard.toJSON(card)));
  };
  const router = Router({ mergeParams: true });
  router.get('/:agentId/.well-known/agent-card.json', async (req, res, next) => {
    try {
      const agent = await listed(req.params.agentId);
      // A plain GET, not an A2A call: OCP's own error shape.
      if (!agent) throw new NotFound('No active agent with this id', 'agent_not_found');
      sendCard(res, agentCard(d.card, agent));
    } catch (error) {
      next(error);
    }
  });
  router.use(REST_SUFFIX, a2aJsonBody(), guard('rest'), d.paymentLimit, rest);
  router.use('/:agentId' + REST_SUFFIX, a2aJsonBody(), guard('rest'), d.paymentLimit, rest);
  router.post('/', guard('jsonrpc'), d.paymentLimit, rpc);
  router.use('/:agentId', guard('jsonrpc'), d.paymentLimit, rpc);

  app.get('/.well-known/agent-card.json', (_req, res) => sendCard(res, deploymentCard(d.card)));
  app.use(A2A_BASE_PATH, router);
}

/**
 * The A2A routes in the OpenAPI document, outside /api/v1: the cards, and each binding's entry as
 * one route (its bodies are A2A v1.0's, https://a2a-protocol.org/v1.0.0/specification/).
 */
function document(api: Api): void {
  const agentId = z.object({ agentId: z.string().meta({ description: 'An OCP agent id (agt_…)' }) });
  const secured = { security: [{ bearerAuth: [] }], tags: ['a2a'] };
  const rpcBody = {
    content: {
      'application/json': {
        schema: z.object({ jsonrpc: z.literal('2.0'), id: z.union([z.string(), z.number()]), method: z.string(), params: z.unknown() }),
      },
    },
    required: true,
  };
  const rpcReplies = {
    200: { description: 'A JSON-RPC response (or, for SendStreamingMessage, a text/event-stream of them)' },
    401: { description: 'No valid OCP agent token (a JSON-RPC error, WWW-Authenticate: Bearer)' },
    403: { description: 'Not an agent token' },
    404: { description: 'No active agent with this id' },
  };
  const card = { 200: { description: 'An A2A v1.0 AgentCard' } };
  api.registry.registerPath({
    method: 'get',
    path: '/.well-known/agent-card.json',
    summary: "The deployment's A2A agent card",
    tags: ['a2a'],
    responses: card,
  });
  api.registry.registerPath({
    method: 'get',
    path: `${A2A_BASE_PATH}/{agentId}/.well-known/agent-card.json`,
    summary: "An agent's A2A agent card (skills: receive-payment, request-payment, balance-and-history)",
    tags: ['a2a'],
    request: { params: agentId },
    responses: { ...card, 404: { description: 'No active agent with this id' } },
  });
  api.registry.registerPath({
    method: 'post',
    path: `${A2A_BASE_PATH}/{agentId}`,
    summary:
      'A2A JSON-RPC binding for one agent: SendMessage, SendStreamingMessage, GetTask, ListTasks, CancelTask, SubscribeToTask, ' +
      'Create/Get/List/DeleteTaskPushNotificationConfig',
    ...secured,
    request: { params: agentId, body: rpcBody },
    responses: rpcReplies,
  });
  api.registry.registerPath({
    method: 'post',
    path: A2A_BASE_PATH,
    summary: "A2A JSON-RPC binding for the calling agent's own agent (balance-and-history, request-payment)",
    ...secured,
    request: { body: rpcBody },
    responses: rpcReplies,
  });
  api.registry.registerPath({
    method: 'post',
    path: `${A2A_BASE_PATH}/{agentId}${REST_SUFFIX}/message:send`,
    summary:
      'A2A HTTP+JSON binding (also message:stream, GET tasks/{id}, GET tasks, POST tasks/{id}:cancel, tasks/{id}/pushNotificationConfigs below /rest)',
    ...secured,
    request: {
      params: agentId,
      body: { content: { 'application/a2a+json': { schema: z.object({ message: z.unknown() }) } }, required: true },
    },
    responses: { 200: { description: 'A task or message (application/a2a+json)' }, 401: rpcReplies[401], 404: rpcReplies[404] },
  });
}
