import express, { type Express } from 'express';
import swaggerUi from 'swagger-ui-express';
import type { Config } from './config/config';
import { Api } from './http/api';
import { mountAdminDashboard } from './http/admin-dashboard';
import { tenantFromHost, tenantFromResource } from './http/tenant-host';
import { authenticate } from './http/authenticate';
import { crossOrigin } from './http/cross-origin';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { observeRequests } from './http/observe';
import { createLimiter } from './http/rate-limit';
import { requestId } from './http/request-id';
import { refuseSuspendedTenants } from './http/tenant-status';
import { securityHeaders } from './http/security-headers';
import type { Cache } from './infra/cache/cache';
import type { Database } from './infra/db/database';
import type { ReadDatabase } from './infra/db/read-replica';
import type { Logger } from './infra/logger';
import type { Metrics } from './infra/metrics';
import {
  agentPaymentRoutes,
  agentRoutes,
  type AgentModule,
  mountPaymentHandlerDocuments,
  ocpPaymentHandler,
  paymentCredentialRoutes,
  ucpRoutes,
  x402PaymentRoutes,
  mandateRoutes,
  type PaymentHandlerSettings,
  type UcpCredentialRedeemer,
} from './modules/agent';
import { authRoutes, oauthRoutes, type AuthService } from './modules/auth';
import type { IdempotencyService } from './modules/idempotency';
import {
  balanceHistoryRoutes,
  holdRoutes,
  ledgerRoutes,
  type BalanceHistoryService,
  type HoldService,
  type LedgerService,
} from './modules/ledger';
import { catalogRoutes, merchantRoutes, orderRoutes, type CheckoutCompletionService, type MerchantModule } from './modules/merchant';
import type { Ap2Module } from './protocols/ucp/ap2';
import { MCP_PATH, mountMcp } from './protocols/mcp';
import { x402FacilitatorRoutes, x402McpTools, x402PayerRoutes, type X402Facilitator, type X402Payer } from './protocols/x402';
import type { A2aStorage } from './modules/a2a';
import { A2A_BASE_PATH, mountA2aServer, type TaskPusher } from './protocols/a2a';
import { opsRoutes } from './modules/ops';
import {
  applePayRoutes,
  type ApplePayService,
  googlePayRoutes,
  type GooglePayService,
  mobileFundingRoutes,
  type MobileFundingService,
  fundingRoutes,
  type CardFundingService,
  payoutRoutes,
  type PayoutService,
  autoTopUpRoutes,
  type AutoTopUpService,
  reconciliationRoutes,
  type ReconciliationService,
} from './modules/payment';
import { insightsRoutes, riskRoutes, type InsightsService, type RiskService } from './modules/risk';
import { walletRoutes, type WalletService } from './modules/wallet';
import { web3Routes, type Web3SendService, type Web3WalletService } from './modules/web3';
import { webhookRoutes, type WebhookDeliveryLog, type WebhookService } from './modules/webhook';
import { tokenRoutes, type TokenService } from './modules/token';
import { adminRoutes, type AdminModule } from './modules/admin';
import { tenantRoutes, type TenantModule } from './modules/tenant';
import { checkoutRenderer, mountUcp } from './protocols/ucp';
import { buildGraphqlSchema, GRAPHQL_PATH, graphqlErrorHandler, graphqlHandler } from './protocols/graphql';
import { ENVIRONMENT_ONLY, type TenantConfiguration } from './shared/tenant-settings';

export const API_BASE_PATH = '/api/v1';
export const X402_BASE_PATH = '/x402';
const WELL_KNOWN_PATH = '/.well-known';

export interface AppDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  db: Database;
  /** Reported by /ready when it is a replica. */
  reads?: ReadDatabase;
  cache: Cache;
  /** Each tenant's own rate limits (docs/tenants.md); absent: the environment's for every tenant. */
  tenants?: TenantConfiguration;
  services: {
    auth: AuthService;
    idempotency: IdempotencyService;
    wallets: WalletService;
    ledger: LedgerService;
    /** Balances at a point in time and statements. */
    balanceHistory: BalanceHistoryService;
    holds: HoldService;
    webhook: WebhookService;
    webhookDeliveries: WebhookDeliveryLog;
    tokens: TokenService;
    cardFunding: CardFundingService;
    autoTopUp: AutoTopUpService;
    payouts: PayoutService;
    web3Wallets: Web3WalletService;
    web3Sends: Web3SendService;
    /** OCP as an x402 v2 facilitator (EIP-3009 `exact` payments settled from OCP's gas key). */
    x402Facilitator: X402Facilitator;
    /** Pays x402 challenges for agents (POST /api/v1/x402/pay); the MCP pay_x402 tool calls its pay(). */
    x402Payer: X402Payer;
    agents: AgentModule;
    merchants: MerchantModule;
    /** Redeems OCP wallet credentials in-process (for the UCP business endpoint's checkout completion). */
    ucpCredentialRedeemer: UcpCredentialRedeemer;
    /** Completes OCP merchants' UCP checkouts, paying with the OCP wallet handler. */
    checkoutCompletion: CheckoutCompletionService;
    ap2: Ap2Module;
    /** Where the A2A server keeps its tasks, payment requests and push-notification configs. */
    a2a: A2aStorage;
    /** Pushes A2A task changes, and the URL check push-notification configs pass when set. */
    a2aPush: { pusher: TaskPusher; urlProblem: (url: string) => string | null };
    applePay: ApplePayService;
    googlePay: GooglePayService;
    admin: AdminModule;
    mobileFunding: MobileFundingService;
    /** Settlement files matched against card charges, refunds and payouts (admin). */
    reconciliations: ReconciliationService;
    risk: RiskService;
    insights: InsightsService;
    /** Platform admins' and tenant admins' routes, and the configuration the suspended-tenant check reads. */
    tenants: TenantModule;
  };
}

/** /metrics: behind METRICS_TOKEN when it is set; otherwise open outside production and absent in it. */
function metricsAccess(config: Config): NonNullable<Parameters<typeof opsRoutes>[1]['metricsAccess']> {
  if (config.METRICS_TOKEN) return { mode: 'token', token: config.METRICS_TOKEN };
  return config.NODE_ENV === 'production' ? { mode: 'off' } : { mode: 'open' };
}

/** The OCP wallet payment handler's identity and URLs, from the settings. */
export function paymentHandlerSettings(config: Config): PaymentHandlerSettings {
  return {
    name: config.UCP_PAYMENT_HANDLER_NAME,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    apiBasePath: API_BASE_PATH,
    environment: config.NODE_ENV === 'production' ? 'production' : 'sandbox',
  };
}

/** Builds the whole HTTP app without listening, so tests can drive it in-process. */
export function buildApp({ config, logger, metrics, db, reads, cache, tenants = ENVIRONMENT_ONLY, services }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // API replies are not cached by validators; an ETag would hash every body, and a Buffer body is
  // written as header + body in two pieces instead of one string.
  app.set('etag', false);
  app.set('trust proxy', config.TRUST_PROXY);
  // Money travels as bigint; JSON carries it as a string of digits.
  app.set('json replacer', (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));

  app.use(requestId());
  app.use(observeRequests(logger, metrics));
  app.use(securityHeaders());
  app.use(crossOrigin(config.CORS_ORIGINS));

  opsRoutes(app, {
    db,
    metrics,
    ...(reads?.target === 'replica' ? { replica: reads } : {}),
    metricsAccess: metricsAccess(config),
    ...(config.REDIS_URL ? { sharedCache: cache } : {}),
  });
  // The operators' web app (docs/dashboard.md): static files, before the rate limits, which count API
  // calls (the page's own calls to the API are counted there as any client's).
  if (config.ADMIN_DASHBOARD_ENABLED) mountAdminDashboard(app);

  app.use(
    express.json({
      limit: config.BODY_LIMIT_BYTES,
      verify: (req, _res, buffer) => {
        (req as express.Request).rawBody = buffer;
      },
    }),
  );
  const windowMs = config.RATE_LIMIT_WINDOW_MS;
  app.use(authenticate(services.auth));
  // Without a token: the tenant of the host name (sign-up and login on a tenant's own domain).
  app.use(tenantFromHost(services.tenants.configuration));
  // Public protocol routes advertised under PUBLIC_BASE_URL: the tenant of the merchant or agent named.
  app.use('/ucp/:merchantId', tenantFromResource('merchantId', services.merchants.tenantOf));
  app.use(`${A2A_BASE_PATH}/:agentId`, tenantFromResource('agentId', services.agents.tenantOf));
  // A suspended tenant's requests stop here, before they count against any limit.
  app.use(refuseSuspendedTenants(services.tenants.configuration));
  // Per client IP and per authenticated subject, counted together: one round trip per request.
  // Each tenant has its own counters, and its own budgets when its settings give them.
  const requestLimits = [
    { name: 'global', max: config.RATE_LIMIT_GLOBAL_MAX, tenantMax: 'globalMax' as const },
    { name: 'user', max: config.RATE_LIMIT_USER_MAX, tenantMax: 'userMax' as const, keyBy: 'subject' as const },
  ];
  app.use(createLimiter({ cache, logger, windowMs, limits: requestLimits, tenants }));

  const limits = {
    payment: createLimiter({
      cache,
      logger,
      windowMs,
      limits: [{ name: 'payment', max: config.RATE_LIMIT_PAYMENT_MAX, tenantMax: 'paymentMax', keyBy: 'subject' }],
      tenants,
    }),
  };

  const api = new Api(API_BASE_PATH, services.idempotency);
  // RFC 8414 metadata and the RFC 6749 form at /auth/token, for MCP clients' OAuth discovery; before
  // authRoutes, whose JSON route gets every other content type. Tokens are for the whole origin and /mcp.
  const wellKnown = api.withBasePath(WELL_KNOWN_PATH);
  oauthRoutes(api, wellKnown, services.auth, {
    publicBaseUrl: config.PUBLIC_BASE_URL,
    resources: [config.PUBLIC_BASE_URL, config.PUBLIC_BASE_URL + MCP_PATH],
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
  });
  authRoutes(api, services.auth);
  walletRoutes(api, services.wallets);
  ledgerRoutes(api, services.ledger);
  balanceHistoryRoutes(api, services.balanceHistory);
  holdRoutes(api, services.holds);
  webhookRoutes(api, services.webhook, services.webhookDeliveries);
  tokenRoutes(api, services.tokens, limits);
  fundingRoutes(api, services.cardFunding, limits);
  autoTopUpRoutes(api, services.autoTopUp);
  payoutRoutes(api, services.payouts, limits);
  web3Routes(api, services.web3Wallets, services.web3Sends, limits);
  agentPaymentRoutes(api, services.agents.payments, limits);
  x402PaymentRoutes(api, services.agents.x402);
  agentRoutes(api, services.agents.agents);
  ucpRoutes(api, services.agents.ucp, limits);
  mandateRoutes(api, services.agents.mandates);
  merchantRoutes(api, services.merchants.merchants);
  catalogRoutes(api, services.merchants.catalog);
  orderRoutes(api, services.merchants.orders);
  paymentCredentialRoutes(api, services.agents.credentials, limits);
  mountPaymentHandlerDocuments(app, api, paymentHandlerSettings(config));
  applePayRoutes(api, services.applePay, limits);
  googlePayRoutes(api, services.googlePay, limits);
  adminRoutes(api, services.admin);
  tenantRoutes(api, services.tenants);
  reconciliationRoutes(api, services.reconciliations);
  riskRoutes(api, services.risk);
  insightsRoutes(api, services.insights);
  mobileFundingRoutes(api, services.mobileFunding, limits);
  x402PayerRoutes(api, services.x402Payer, limits);
  // GraphQL (docs/graphql.md): the same services, authentication and rate limits as the REST routes.
  // Before the REST router, which would answer the path with its 404.
  app.post(
    GRAPHQL_PATH,
    graphqlHandler(
      buildGraphqlSchema(),
      {
        wallets: services.wallets,
        ledger: services.ledger,
        agents: services.agents.agents,
        webhooks: services.webhook,
        idempotency: services.idempotency,
      },
      { introspection: config.GRAPHQL_INTROSPECTION, maxDepth: config.GRAPHQL_MAX_DEPTH, maxComplexity: config.GRAPHQL_MAX_COMPLEXITY },
      logger,
    ),
  );
  app.use(GRAPHQL_PATH, graphqlErrorHandler());
  app.use(API_BASE_PATH, api.router);
  app.use(WELL_KNOWN_PATH, wellKnown.router);
  // The merchants' UCP business endpoints and the discovery profiles (docs/ucp.md).
  const handlerSettings = paymentHandlerSettings(config);
  const ucpDeps = {
    checkouts: services.merchants.checkouts,
    completion: services.checkoutCompletion,
    signing: services.merchants.signing,
    mandates: services.ap2.checkoutMandates,
    ownerKeys: services.agents.mandates,
    completeLimiter: createLimiter({
      cache,
      logger,
      windowMs,
      limits: [{ name: 'ucp-complete', max: config.RATE_LIMIT_PAYMENT_MAX, tenantMax: 'paymentMax' }],
      tenants,
    }),
    idempotency: services.idempotency,
    logger,
    registry: api.registry,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    apiBasePath: API_BASE_PATH,
    handler: (merchantId?: string) => ocpPaymentHandler(handlerSettings, merchantId ? { merchantId } : undefined),
  };
  mountUcp(app, ucpDeps);

  // MCP (streamable HTTP) for agents, and its OAuth protected-resource metadata (docs/mcp.md).
  mountMcp(app, {
    publicBaseUrl: config.PUBLIC_BASE_URL,
    services: {
      payments: services.agents.payments,
      credentials: services.agents.credentials,
      wallets: services.wallets,
      ledger: services.ledger,
      refunds: services.admin.refunds,
    },
    idempotency: services.idempotency,
    logger,
    paymentLimit: limits.payment,
    // The UCP buyer tools: the business endpoint's services, its checkout response.
    checkout: { checkouts: services.merchants.checkouts, completion: services.checkoutCompletion, render: checkoutRenderer(ucpDeps) },
    // x402's pay_x402: POST /api/v1/x402/pay as a tool, spending the payment rate limit.
    extraTools: [x402McpTools(services.x402Payer)],
  });

  // The x402 facilitator interface has its own paths (…/verify, …/settle, …/supported), as x402
  // clients append them to the facilitator URL they are given: PUBLIC_BASE_URL/x402.
  const x402 = api.withBasePath(X402_BASE_PATH);
  x402FacilitatorRoutes(x402, services.x402Facilitator, limits);
  app.use(X402_BASE_PATH, x402.router);

  // The A2A server (A2A v1.0): agent cards, JSON-RPC and HTTP+JSON, over the agent payment service.
  mountA2aServer(app, api, {
    agents: services.agents.agents,
    payments: services.agents.payments,
    idempotency: services.idempotency,
    tasks: services.a2a.tasks,
    paymentRequests: services.a2a.paymentRequests,
    push: { configs: services.a2a.pushConfigs, ...services.a2aPush },
    card: { publicBaseUrl: config.PUBLIC_BASE_URL, version: '1.0.0' },
    paymentLimit: limits.payment,
    logger,
  });

  // Off by default in production (API_DOCS_ENABLED): the description of every route is not public there.
  if (config.API_DOCS_ENABLED) {
    // Generated on first request, not at start-up: it is ~0.5 s of CPU that most processes (every
    // test app among them) never need.
    let openApi: ReturnType<Api['openApiDocument']> | undefined;
    const document = () =>
      (openApi ??= api.openApiDocument({
        title: 'Open Commerce Protocol API',
        version: '1.0.0',
        description: 'Wallets, a double-entry ledger, payments and agentic commerce.',
      }));
    app.get('/openapi.json', (_req, res) => {
      res.json(document());
    });
    // serveFiles, not serve: serve answers swagger-ui-init.js from a module-wide variable that only
    // setup() fills, which a lazy setup would leave empty on a first request for that file.
    // validatorUrl null: otherwise the page sends the spec URL to validator.swagger.io for a badge.
    const docsOptions = { swaggerOptions: { validatorUrl: null } };
    let docs: express.Router | undefined;
    app.use('/docs', (req, res, next) => {
      docs ??= express.Router().use(swaggerUi.serveFiles(document(), docsOptions), swaggerUi.setup(document(), docsOptions));
      docs(req, res, next);
    });
  }

  app.use(notFoundHandler());
  app.use(errorHandler(logger));
  return app;
}
