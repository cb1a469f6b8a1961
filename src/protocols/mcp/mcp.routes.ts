import type { Express, Request, RequestHandler } from 'express';
import { assertCleanInput } from '../../http/input-guard';
import type { Logger } from '../../infra/logger';
import type { IdempotencyService } from '../../modules/idempotency';
import { Forbidden, Unauthorized } from '../../shared/errors';
import { hasPermission } from '../../shared/principal';
import { AgentAccount, type McpServices } from './agent-account';
import { checkoutTools, type CheckoutToolDeps } from './checkout.tools';
import { mcpSdk } from './mcp-sdk';
import { registerOcpResources } from './mcp.resources';
import { registerOcpTools, type McpToolRegistrar } from './mcp.tools';
import { requestRefundTool } from './request-refund.tool';

export const MCP_PATH = '/mcp';
/** RFC 9728 §3: the metadata of the resource at /mcp is at the well-known path with /mcp appended. */
export const PROTECTED_RESOURCE_PATH = '/.well-known/oauth-protected-resource';
/** What serverInfo says: the version of OCP's MCP surface (its tools and resources), not the SDK's. */
export const MCP_SERVER_VERSION = '1.0.0';
/** Where an agent exchanges its client id and secret for an access token (the auth module's route). */
const AGENT_TOKEN_PATH = '/api/v1/auth/token';

export interface McpDeps {
  publicBaseUrl: string;
  services: McpServices;
  idempotency: IdempotencyService;
  logger: Logger;
  /** The payment rate limit: spent by the tools that move or promise money, as their REST routes spend it. */
  paymentLimit: RequestHandler;
  /** The UCP buyer tools' services and shaping (create_checkout, complete_checkout). */
  checkout: Omit<CheckoutToolDeps, 'platformProfile'>;
  /** Tools other edges add (x402's pay_x402), with the names of those among them that pay. */
  extraTools?: { register: McpToolRegistrar; paying: string[] }[];
}

const PAYING_TOOLS = ['pay', 'issue_payment_credential', 'complete_checkout'];

/**
 * The MCP server (streamable HTTP, protocol 2025-11-25 and the earlier ones the pinned SDK negotiates) for agents
 * holding an OCP agent token, and its OAuth protected-resource metadata.
 *
 * Stateless: every POST builds a server for the caller its bearer token proves, answers, and is gone,
 * so nothing is held between requests (no session table to bound, no session to steal) and every
 * request is authenticated again, so a revoked token stops at once. GET (a standalone SSE stream) and
 * DELETE (ending a session) have nothing to serve and answer 405, as the transport spec allows.
 */
export function mountMcp(app: Express, deps: McpDeps): void {
  const resource = deps.publicBaseUrl + MCP_PATH;
  const metadataUrl = deps.publicBaseUrl + PROTECTED_RESOURCE_PATH + MCP_PATH;
  const buyerTools = checkoutTools({ ...deps.checkout, platformProfile: resource });
  const registrars = [registerOcpTools, requestRefundTool, buyerTools, ...(deps.extraTools ?? []).map((t) => t.register)];
  const paying = new Set([...PAYING_TOOLS, ...(deps.extraTools ?? []).flatMap((t) => t.paying)]);

  // The root document describes the whole origin (the REST API takes the same bearer tokens); the
  // /mcp one describes the MCP server. Each names the resource its URL was derived from (§3.3).
  app.get(PROTECTED_RESOURCE_PATH, (_req, res) => {
    res.json(protectedResourceMetadata(deps.publicBaseUrl, deps.publicBaseUrl));
  });
  app.get(PROTECTED_RESOURCE_PATH + MCP_PATH, (_req, res) => {
    res.json(protectedResourceMetadata(resource, deps.publicBaseUrl));
  });

  const requireAgent: RequestHandler = (req, res, next) => {
    const challenge = `Bearer resource_metadata="${metadataUrl}"`;
    if (!req.principal) {
      // RFC 6750 §3.1: no error attribute when no token came; invalid_token when one did and failed.
      res.setHeader('WWW-Authenticate', req.authError ? `${challenge}, error="invalid_token"` : challenge);
      return next(req.authError ?? new Unauthorized('An OCP agent token is required: Authorization: Bearer <token>'));
    }
    if (req.principal.role !== 'agent' || !hasPermission(req.principal, 'agent:pay')) {
      res.setHeader('WWW-Authenticate', `${challenge}, error="insufficient_scope"`);
      return next(new Forbidden('The MCP server is for agents: use an agent access token', 'agent_only'));
    }
    next();
  };

  // As for every API route: text PostgreSQL cannot store, or JSON deep enough to hurt the schemas and
  // the request hash, is refused at the door (400) rather than failing inside a tool.
  const cleanInput: RequestHandler = (req, _res, next) => {
    try {
      assertCleanInput(req.body, 'body');
      next();
    } catch (error) {
      next(error);
    }
  };

  const limitPayments: RequestHandler = (req, res, next) => (callsPayingTool(req, paying) ? deps.paymentLimit(req, res, next) : next());

  const serve: RequestHandler = async (req, res, next) => {
    try {
      const account = new AgentAccount(deps.services, req.principal!);
      const { McpServer, StreamableHTTPServerTransport } = mcpSdk();
      const server = new McpServer({ name: 'ocp', title: 'Open Commerce Protocol', version: MCP_SERVER_VERSION });
      const context = { account, services: deps.services, idempotency: deps.idempotency, logger: deps.logger };
      for (const register of registrars) register(server, context);
      registerOcpResources(server, account, deps.services);
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      res.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
    } catch (error) {
      next(error);
    }
  };

  const notAllowed: RequestHandler = (_req, res) => {
    res.setHeader('Allow', 'POST');
    res
      .status(405)
      .json({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: this server is stateless, POST only' }, id: null });
  };

  app.post(MCP_PATH, requireAgent, cleanInput, limitPayments, serve);
  app.get(MCP_PATH, requireAgent, notAllowed);
  app.delete(MCP_PATH, requireAgent, notAllowed);
}

/**
 * RFC 9728 §2; bearer tokens go in the header only. The authorization server is OCP itself (its
 * issuer is PUBLIC_BASE_URL, with RFC 8414 metadata at /.well-known/oauth-authorization-server), so
 * an MCP client's discovery ends at the token endpoint, which takes RFC 6749's client_credentials
 * form. `ocp_token_endpoint` (an extension parameter, §2 allows them) stays for clients that read it.
 */
function protectedResourceMetadata(resource: string, publicBaseUrl: string) {
  return {
    resource,
    resource_name: 'Open Commerce Protocol (OCP)',
    authorization_servers: [publicBaseUrl],
    bearer_methods_supported: ['header'],
    ocp_token_endpoint: publicBaseUrl + AGENT_TOKEN_PATH,
  };
}

/** Whether the JSON-RPC message (or any of a batch) calls a tool that moves or promises money. */
function callsPayingTool(req: Request, paying: ReadonlySet<string>): boolean {
  const messages: unknown[] = Array.isArray(req.body) ? (req.body as unknown[]) : [req.body];
  return messages.some((m) => {
    const message = m as { method?: unknown; params?: { name?: unknown } } | null;
    return message?.method === 'tools/call' && typeof message.params?.name === 'string' && paying.has(message.params.name);
  });
}
