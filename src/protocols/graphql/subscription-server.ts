import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { execute, GraphQLError, OperationTypeNode, subscribe, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { EventFanout } from '../../infra/pubsub/event-fanout';
import type { Logger } from '../../infra/logger';
import { inTenant } from '../../infra/tenant-scope';
import { Forbidden, RateLimited, Unauthorized } from '../../shared/errors';
import type { Principal } from '../../shared/principal';
import { createLoaders, type GraphqlServices } from './context';
import { formatError } from './errors';
import { GRAPHQL_PATH, prepare, validationRules, type GraphqlOptions } from './http';

export interface TokenVerifier {
  /**
   * The app's own check (signature, expiry, revocation, agent status): Unauthorized when it fails;
   * Forbidden when the token's tenant is suspended (src/http/tenant-status.ts).
   */
  verifyAccessToken(token: string): Promise<Principal>;
}

export interface SubscriptionServerOptions extends GraphqlOptions {
  /** How often a connection's token is checked again; a token that fails closes the socket (4403). */
  recheckMs: number;
  maxPayloadBytes: number;
  /** Open sockets on this instance; an upgrade past it is answered 503. */
  maxConnections: number;
  /** Open sockets of one caller (a token's subject) on this instance; one more is closed with 4429. */
  maxConnectionsPerCaller: number;
  /** Subscriptions running on one socket; one more is refused with graphql_too_many_subscriptions. */
  maxSubscriptionsPerConnection: number;
}

/** Close code of a socket refused because its caller has too many open (4429, as HTTP's 429). */
const TOO_MANY_CONNECTIONS = 4429;

interface Connection {
  principal: Principal;
  timer: NodeJS.Timeout;
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i;

/** connection_init's payload: `{ "authorization": "Bearer <token>" }` (or `{ "token": "<token>" }`). */
function tokenOf(payload: unknown): string | null {
  if (payload === null || typeof payload !== 'object') return null;
  const { authorization, token } = payload as Record<string, unknown>;
  if (typeof authorization === 'string') return BEARER.exec(authorization)?.[1] ?? null;
  return typeof token === 'string' && token.length > 0 ? token : null;
}

/**
 * GraphQL subscriptions over WebSocket (the graphql-transport-ws protocol of graphql-ws) at
 * /api/v1/graphql. The bearer token comes in connection_init and is verified as an HTTP request's
 * is; it is verified again every `recheckMs`, so a revoked token (logout, a revoked API client, a
 * suspended agent) or an expired one closes the socket with 4403. Each subscription is authorized
 * when it starts (another user's wallet: wallet_not_found, as REST answers it). Only subscriptions
 * run here: queries and mutations go over HTTP, through its rate limits.
 */
export function createSubscriptionServer(
  schema: GraphQLSchema,
  services: GraphqlServices,
  auth: TokenVerifier,
  fanout: EventFanout,
  options: SubscriptionServerOptions,
  logger: Logger,
) {
  const rules = validationRules(options);
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes });
  const connections = new WeakMap<object, Connection>();
  /** Open sockets per caller, counted from connection_init's acceptance to the close. */
  const openByCaller = new Map<string, number>();
  let closing: Promise<void> | undefined;

  const disposable = useServer(
    {
      schema,
      // A socket has no request around it: its operations run in the tenant of its token.
      execute: (args) => inTenant(tenantOf(args), () => execute(args)),
      subscribe: (args) => inTenant(tenantOf(args), () => subscribe(args)),
      onConnect: async (ctx) => {
        const token = tokenOf(ctx.connectionParams);
        if (!token) return false;
        let principal: Principal;
        try {
          principal = await auth.verifyAccessToken(token);
        } catch (error) {
          // Forbidden: the token's tenant is suspended (the verifier the container gives says so).
          if (error instanceof Unauthorized || error instanceof Forbidden) return false;
          throw error;
        }
        const { socket } = ctx.extra;
        // Closed while the token was checked: onClose has run already and would never undo what follows.
        if (socket.readyState !== socket.OPEN) return false;
        const open = openByCaller.get(principal.sub) ?? 0;
        if (open >= options.maxConnectionsPerCaller) {
          // Closed here with its own code; graphql-ws's 4403 for `false` then finds the socket closing.
          socket.close(TOO_MANY_CONNECTIONS, 'Too many open subscription sockets for this caller');
          return false;
        }
        openByCaller.set(principal.sub, open + 1);
        const timer = setInterval(() => {
          auth.verifyAccessToken(token).then(
            () => undefined,
            (error: unknown) => {
              if (error instanceof Unauthorized || error instanceof Forbidden) {
                socket.close(CloseCode.Forbidden, 'Forbidden: the token is no longer valid');
              } else logger.warn('graphql subscription token re-check failed', { error });
            },
          );
        }, options.recheckMs);
        timer.unref();
        connections.set(ctx, { principal, timer });
        return true;
      },
      onClose: (ctx) => {
        const connection = connections.get(ctx);
        if (!connection) return;
        clearInterval(connection.timer);
        connections.delete(ctx);
        const open = (openByCaller.get(connection.principal.sub) ?? 1) - 1;
        if (open > 0) openByCaller.set(connection.principal.sub, open);
        else openByCaller.delete(connection.principal.sub);
      },
      onSubscribe: (ctx, _id, payload) => {
        const connection = connections.get(ctx);
        if (!connection) return [new GraphQLError('Unauthorized')];
        // graphql-ws has already reserved this subscription's id in ctx.subscriptions: it is counted.
        if (Object.keys(ctx.subscriptions).length > options.maxSubscriptionsPerConnection) {
          const message = `This socket already runs ${options.maxSubscriptionsPerConnection} subscriptions: end one, or open another socket`;
          const refusal = new RateLimited(1, message, 'graphql_too_many_subscriptions');
          return [new GraphQLError(refusal.message, { originalError: refusal })];
        }
        const prepared = prepare(schema, rules, payload.query, payload.operationName ?? undefined);
        if ('errors' in prepared) return prepared.errors;
        if (prepared.operation.operation !== OperationTypeNode.SUBSCRIPTION) {
          return [new GraphQLError(`Only subscriptions run over WebSocket: send queries and mutations to POST ${GRAPHQL_PATH}`)];
        }
        const { principal } = connection;
        return {
          schema,
          document: prepared.document,
          ...(payload.operationName ? { operationName: payload.operationName } : {}),
          variableValues: payload.variables ?? {},
          contextValue: { principal, services, loaders: createLoaders(principal, services), fanout },
        };
      },
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => formatError(e, logger)),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((e) => formatError(e, logger)) } : undefined,
    },
    wss,
  );

  return {
    /** Takes the WebSocket upgrades for GRAPHQL_PATH on this server. */
    attach(server: Server): void {
      server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
        const path = (request.url ?? '').split('?')[0];
        if (path !== GRAPHQL_PATH) {
          // Nothing else in OCP speaks WebSocket: refuse rather than leave the socket hanging.
          if (server.listenerCount('upgrade') === 1) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
          return;
        }
        if (closing || wss.clients.size >= options.maxConnections) {
          socket.end('HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\n\r\n');
          return;
        }
        wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
      });
    },
    /** Open sockets (for tests and metrics). */
    get connections(): number {
      return wss.clients.size;
    },
    /** Closes every socket (1001: the client may reconnect elsewhere) and stops taking new ones. Idempotent. */
    close(): Promise<void> {
      closing ??= (async () => {
        for (const client of wss.clients) client.close(1001, 'Going away');
        await disposable.dispose();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
      })();
      return closing;
    },
  };
}

export type SubscriptionServer = ReturnType<typeof createSubscriptionServer>;

function tenantOf(args: ExecutionArgs): string {
  return (args.contextValue as { principal: Principal }).principal.tenantId;
}
