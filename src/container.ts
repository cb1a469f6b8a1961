import type { LookupFunction } from 'node:net';
import { inEachTenant } from './infra/db/each-tenant';
import { inSystemScope } from './infra/tenant-scope';
import type { Config } from './config/config';
import { buildApp } from './app';
import { activeTenantTokens } from './http/tenant-status';
import type { Cache } from './infra/cache/cache';
import { Periodic } from './infra/periodic';
import type { Database } from './infra/db/database';
import { migrate } from './infra/db/migrate';
import { openDatabase } from './infra/db/open-database';
import { openReadDatabase, type ReadDatabase } from './infra/db/read-replica';
import { createBackupScheduler } from './infra/db/backup/backup-scheduler';
import { registerRecoveryDrillMetrics } from './infra/db/backup/drill-record';
import { describeDatabaseUrl, waitForDatabase } from './infra/db/wait-for-database';
import { Encryptor } from './infra/crypto/envelope';
import { createLogger, type Logger } from './infra/logger';
import { createMetrics, registerCacheMetrics } from './infra/metrics';
import { openCache } from './infra/cache/fallback-cache';
import { createAgentModule, createAgentStore, OCP_HANDLER_ID, type UcpCredentialRedeemer } from './modules/agent';
import { createAuthModule } from './modules/auth';
import { createAdminModule } from './modules/admin';
import { createIdempotencyService } from './modules/idempotency';
import { createBalanceHistoryService, createHoldService, createLedgerService } from './modules/ledger';
import { createInsightsService, createRiskModule } from './modules/risk';
import { createMerchantModule } from './modules/merchant';
import { createAp2Module } from './protocols/ucp/ap2';
import { createA2aStorage } from './modules/a2a';
import { followApprovals, TaskPusher } from './protocols/a2a';
import { createWalletModule } from './modules/wallet';
import {
  createApplePayService,
  createFundingModule,
  createReconciliationModule,
  createGooglePayService,
  createMobileFundingService,
  createPayoutModule,
  PaymentSessionService,
  type MerchantValidator,
} from './modules/payment';
import { createTokenModule } from './modules/token';
import { createWeb3Module } from './modules/web3';
import { X402Facilitator, X402Payer } from './protocols/x402';

/** x402 payments for agents: one fetch of the paid URL waits this long and reads this much at most. */
const X402_FETCH_TIMEOUT_MS = 30_000;
const X402_FETCH_BODY_BYTES_MAX = 1_048_576;
import { createWebhookModule } from './modules/webhook';
import { createTenantConfiguration, createTenantModule } from './modules/tenant';
import { EventBus } from './shared/events';
import type { TenantConfiguration } from './shared/tenant-settings';
import { MemoryEventFanout, type EventFanout } from './infra/pubsub/event-fanout';
import { RedisEventFanout } from './infra/pubsub/redis-event-fanout';
import { buildGraphqlSchema, createSubscriptionServer, feedFanout } from './protocols/graphql';

const DAY_MS = 86_400_000;
const HOUSEKEEPING_INTERVAL_MS = 3_600_000;
// Instances may restart more often than hourly: the first purge comes sooner.
const HOUSEKEEPING_FIRST_RUN_MS = 60_000;
// Approvals whose window passed are expired within a minute, so what waits on them (an A2A task)
// ends without the owner looking; a batch at a time.
const APPROVAL_EXPIRY_INTERVAL_MS = 60_000;
const APPROVAL_EXPIRY_BATCH_MAX = 100;
// Holds past their expiresAt are released a batch per transaction (again at once while more are due).
const HOLD_EXPIRY_BATCH_MAX = 100;

/** The Redis pub/sub channel every instance hears events on (GraphQL subscriptions, tenants' changes). */
const GRAPHQL_EVENTS_CHANNEL = 'ocp:graphql-events';

export interface ContainerOverrides {
  db?: Database;
  /** The read replica's side (tests); otherwise opened from DATABASE_READ_URL, or the primary. */
  reads?: ReadDatabase;
  cache?: Cache;
  logger?: Logger;
  /** Apple Pay merchant validation against a local server (tests). */
  applePayMerchantValidator?: MerchantValidator;
  /** The resolver under the webhook sender's address check (tests answer names themselves). */
  webhookLookup?: LookupFunction;
  /** Each tenant's settings and credentials (tests give an in-memory one); absent: the environment's for all. */
  tenants?: TenantConfiguration;
}

/**
 * The composition root: config -> infrastructure -> repositories -> services -> app, in reading
 * order. Tests call it with their own database, cache or logger.
 */
export async function createContainer(config: Config, overrides: ContainerOverrides = {}) {
  const logger = overrides.logger ?? createLogger(config.LOG_LEVEL);
  const metrics = createMetrics({ processMetrics: config.METRICS_PROCESS_ENABLED });
  const db = overrides.db ?? (await openDatabase(config));
  // Redis fails fast (no offline queue) and a lost Redis degrades to an in-process cache instead
  // of stalling every request: docs/runbooks/redis-outage.md.
  const cache = overrides.cache ?? openCache(config, logger);
  registerCacheMetrics(metrics, cache);

  // PostgreSQL may still be starting (Compose, a failover): wait for it, bounded, rather than exit here.
  if (db.engine === 'postgres' && config.DATABASE_URL) {
    await waitForDatabase(db, {
      maxWaitMs: config.DATABASE_STARTUP_WAIT_MS,
      logger,
      target: describeDatabaseUrl(config.DATABASE_URL),
    }).catch(async (error: unknown) => {
      // Ours to close (a test's own db or cache stays open for it).
      await Promise.allSettled([overrides.db ? undefined : db.close(), overrides.cache ? undefined : cache.close()]);
      throw error;
    });
  }
  // Reads that may lag (history, statements, transfer lists) go here; see docs/architecture.md.
  const reads = overrides.reads ?? openReadDatabase(config, db, logger);
  const applied = await migrate(db);
  if (applied.length > 0) logger.info('migrations applied', { versions: applied, engine: db.engine });

  // One Encryptor for every secret at rest (webhook secrets, vaulted card data, chain keys).
  const encryptor = new Encryptor(config.ENCRYPTION_KEYS);
  // Events to every instance: GraphQL subscriptions, and tenants' changes (each instance drops its
  // cached configuration). Through Redis pub/sub when REDIS_URL is set.
  const fanoutError = (error: unknown) => logger.warn('event fan-out failed', { error });
  const fanout: EventFanout = config.REDIS_URL
    ? new RedisEventFanout(config.REDIS_URL, GRAPHQL_EVENTS_CHANNEL, fanoutError)
    : new MemoryEventFanout(fanoutError);
  // Each tenant's settings, credentials, status and host names (docs/tenants.md), cached per instance.
  const tenantConfiguration = createTenantConfiguration({ db, encryptor, fanout });
  // Agents' credentials and status are asked by the token exchange and every agent token check.
  const agentRepository = createAgentStore(db);
  const {
    service: auth,
    locks,
    merchantClients,
  } = await createAuthModule({ config, db, cache, logger, agentCredentials: agentRepository, tenants: tenantConfiguration });

  // Per-tenant settings for the parts that follow them: rate limits, wallet currencies, four-eyes
  // limits, webhook delivery, the card processor (a test may give its own).
  const tenants = overrides.tenants ?? tenantConfiguration;
  // Built before the services that emit events: they take `webhooks.outbox` and call
  // `outbox.enqueue(tx, events)` inside their own transactions.
  const webhooks = createWebhookModule({
    config,
    db,
    logger,
    metrics,
    encryptor,
    lookup: overrides.webhookLookup,
    tenants,
  });
  const tokens = createTokenModule({ config, db, encryptor, logger, tenants });

  const events = new EventBus((error, event) => logger.error('event subscriber failed', { error, eventType: event.type }));

  const idempotency = createIdempotencyService(db, cache, { keyTtlMs: DAY_MS, leaseMs: config.IDEMPOTENCY_LEASE_MS }, metrics);
  const walletModule = createWalletModule({ db, cache, outbox: webhooks.outbox, events, tenants });
  const walletRepository = walletModule.repository;
  const wallets = walletModule.service;
  // Merchants bind one of their owner's wallets (checked by the wallet service) and get API clients from auth.
  const merchants = createMerchantModule({
    db,
    wallets,
    credentials: merchantClients,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    outbox: webhooks.outbox,
    checkoutTtlMs: config.UCP_CHECKOUT_TTL_SECONDS * 1000,
    encryptor,
  });
  const ledger = createLedgerService({ db, reads, wallets: walletModule, outbox: webhooks.outbox, events, metrics });
  const balanceHistory = createBalanceHistoryService(reads, walletRepository);
  const holds = createHoldService({ db, ledger, wallets: walletModule, outbox: webhooks.outbox, events });
  const funding = createFundingModule({
    config,
    db,
    cache,
    logger,
    ledger,
    wallets: walletRepository,
    tokens,
    outbox: webhooks.outbox,
    events,
    metrics,
    tenants,
  });
  const payouts = createPayoutModule({
    config,
    db,
    logger,
    ledger,
    wallets: walletRepository,
    tokens,
    outbox: webhooks.outbox,
    processors: funding.processors,
    metrics,
  });

  const web3 = createWeb3Module({ config, db, logger, metrics, encryptor, outbox: webhooks.outbox, events });
  const agents = createAgentModule({
    config,
    db,
    logger,
    metrics,
    agentRepository,
    walletRepository,
    wallets,
    ledger,
    outbox: webhooks.outbox,
    events,
    encryptor,
    // Payments to merchants: their payee, the owner's access, and an order's checkout (payments by order id).
    merchants: {
      payee: (id) => merchants.merchants.payee(id),
      get: (principal, id) => merchants.merchants.get(principal, id),
      orderCheckoutId: (merchantId, orderId) => merchants.orders.checkoutIdOf(merchantId, orderId),
    },
  });
  // What the UCP business endpoint (checkout sessions) calls to take an OCP wallet credential at complete.
  const ucpCredentialRedeemer: UcpCredentialRedeemer = agents.credentials;
  // OCP's merchants accept the OCP wallet handler natively: completing a checkout redeems the
  // credential in-process, and the order is placed inside the payment's own transaction.
  const checkoutCompletion = merchants.completion({
    handlerId: OCP_HANDLER_ID,
    redeem: async (request, inTx) => {
      const paid = await ucpCredentialRedeemer.redeem(request, (tx, p) => inTx(tx, { paymentId: p.paymentId, payerOwnerId: p.ownerId }));
      return { paymentId: paid.paymentId, payerOwnerId: paid.ownerId };
    },
  });

  // UCP's AP2 extension: checkout mandates signed by owners' registered keys, over checkouts merchants signed.
  const ap2 = createAp2Module({ ownerKeys: agents.mandates, merchantSigning: merchants.signing, usedMandates: merchants.usedMandates });

  // The A2A server's tasks, payment requests and push-notification configs (src/protocols/a2a), in this database.
  const a2a = createA2aStorage(db, encryptor);
  // Task changes are pushed to the configs agents set, under the webhook sender's outgoing rules.
  const a2aPusher = new TaskPusher(a2a.pushConfigs, webhooks.outgoing, logger);
  // A receive-payment task waiting for the owner ends when the owner approves or declines its
  // payment, or the approval expires; and is pushed.
  followApprovals(events, a2a.tasks, (owner, task) => a2aPusher.push(owner, task));

  const paymentSessions = new PaymentSessionService(cache, wallets, config.PAYMENT_SESSION_TTL_MS);
  const applePay = createApplePayService(config, paymentSessions, overrides.applePayMerchantValidator);
  const googlePay = createGooglePayService(config, paymentSessions);
  const admin = createAdminModule({
    config,
    db,
    reads,
    cache,
    logger,
    events,
    auth,
    ledger,
    locks,
    cardRefunds: funding.cardRefunds,
    webhookDeliveries: webhooks.deliveries,
    tenants,
  });
  // Platform admins manage the tenants; a tenant's admins its settings. A new tenant's first admin
  // is one of the admin module's operators.
  const tenantModule = createTenantModule({
    db,
    encryptor,
    configuration: tenantConfiguration,
    audit: admin.audit,
    operators: admin.users,
    publicBaseUrl: config.PUBLIC_BASE_URL,
  });
  // Settlement files against card charges, refunds and payouts, each upload in the admin audit log; mismatches
  // reach the admin monitoring as an event.
  const reconciliation = createReconciliationModule({ db, events, audit: admin.audit, funding });
  // Every transfer, agent payment, multi-leg leg and payout is scored before it posts (docs/risk.md).
  const risk = createRiskModule({
    db,
    ledger,
    holds,
    events,
    audit: admin.audit,
    modelDir: config.RISK_MODEL_DIR,
    thresholds: { review: config.RISK_REVIEW_THRESHOLD, block: config.RISK_BLOCK_THRESHOLD },
  });
  const insights = createInsightsService({
    reads,
    wallets: walletRepository,
    autoTopUp: funding.autoTopUp,
    lookaheadDays: config.INSIGHTS_TOP_UP_LOOKAHEAD_DAYS,
  });
  const mobileFunding = createMobileFundingService({
    applePay,
    googlePay,
    sessions: paymentSessions,
    wallets: walletRepository,
    tokens: tokens.service,
    charges: funding.charges,
    chargeAndCredit: funding.chargeAndCredit,
    db,
    fingerprintKey: config.TOKEN_FINGERPRINT_KEY,
    encryptionKeys: config.ENCRYPTION_KEYS,
  });

  const idempotencyPurge = new Periodic('idempotency purge', () => inSystemScope(() => idempotency.purgeExpired()), logger);
  idempotencyPurge.start(HOUSEKEEPING_INTERVAL_MS, HOUSEKEEPING_FIRST_RUN_MS);
  const approvalExpiry = new Periodic(
    'approval expiry',
    () => inEachTenant(db, () => agents.payments.expireOverdue(APPROVAL_EXPIRY_BATCH_MAX)),
    logger,
  );
  approvalExpiry.start(APPROVAL_EXPIRY_INTERVAL_MS);
  const holdExpiry = new Periodic('hold expiry', () => inEachTenant(db, () => holds.expireOverdue(HOLD_EXPIRY_BATCH_MAX)), logger);
  if (config.HOLD_EXPIRY_INTERVAL_MS > 0) holdExpiry.start(config.HOLD_EXPIRY_INTERVAL_MS);

  const services = {
    auth,
    idempotency,
    wallets,
    ledger,
    balanceHistory,
    holds,
    webhook: webhooks.service,
    webhookDeliveries: webhooks.deliveries,
    tokens: tokens.service,
    cardFunding: funding.cardFunding,
    autoTopUp: funding.autoTopUp,
    payouts: payouts.service,
    web3Wallets: web3.wallets,
    web3Sends: web3.sends,
    // A merchant's API client is paid into its merchant owner's vaulted wallets.
    x402Facilitator: new X402Facilitator(web3.settlements, merchants.merchants),
    x402Payer: new X402Payer(agents.x402, web3.authorizations, web3.settlements, {
      // The webhook sender's setting: loopback and private targets in development and tests only.
      allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_TARGETS,
      timeoutMs: X402_FETCH_TIMEOUT_MS,
      bodyBytesMax: X402_FETCH_BODY_BYTES_MAX,
    }),
    agents,
    merchants,
    ucpCredentialRedeemer,
    checkoutCompletion,
    ap2,
    a2a,
    a2aPush: { pusher: a2aPusher, urlProblem: webhooks.outgoing.urlProblem },
    paymentSessions,
    applePay,
    googlePay,
    admin,
    mobileFunding,
    reconciliations: reconciliation.service,
    risk: risk.service,
    insights,
    tenants: tenantModule,
  };
  const app = buildApp({ config, logger, metrics, db, reads, cache, tenants, services });
  // GraphQL subscriptions (docs/graphql.md): events reach the subscribers of every instance through
  // Redis pub/sub when REDIS_URL is set; server.ts attaches the WebSocket server to the HTTP server.
  feedFanout(events, fanout);
  const graphqlSubscriptions = createSubscriptionServer(
    buildGraphqlSchema(),
    { wallets, ledger, agents: agents.agents, webhooks: webhooks.service, idempotency },
    // No Express request around a socket: its token check refuses a suspended tenant itself.
    activeTenantTokens(auth, tenantConfiguration),
    fanout,
    {
      introspection: config.GRAPHQL_INTROSPECTION,
      maxDepth: config.GRAPHQL_MAX_DEPTH,
      maxComplexity: config.GRAPHQL_MAX_COMPLEXITY,
      recheckMs: config.GRAPHQL_AUTH_RECHECK_MS,
      maxPayloadBytes: config.BODY_LIMIT_BYTES,
      maxConnections: config.GRAPHQL_WS_MAX_CONNECTIONS,
      maxConnectionsPerCaller: config.GRAPHQL_WS_MAX_CONNECTIONS_PER_CALLER,
      maxSubscriptionsPerConnection: config.GRAPHQL_WS_MAX_SUBSCRIPTIONS,
    },
    logger,
  );
  if (config.WEBHOOK_WORKER_INTERVAL_MS > 0) {
    webhooks.worker.start(config.WEBHOOK_WORKER_INTERVAL_MS);
    // Where deliveries settle, they are purged after WEBHOOK_RETENTION_DAYS.
    webhooks.retention.start(HOUSEKEEPING_INTERVAL_MS, HOUSEKEEPING_FIRST_RUN_MS);
  }
  if (config.CARD_REFUND_WORKER_INTERVAL_MS > 0) funding.cardRefunds.start(config.CARD_REFUND_WORKER_INTERVAL_MS);
  if (config.CARD_CHARGE_SWEEP_INTERVAL_MS > 0) funding.chargeRecovery.start(config.CARD_CHARGE_SWEEP_INTERVAL_MS);
  if (config.PAYOUT_WORKER_INTERVAL_MS > 0) payouts.processing.start(config.PAYOUT_WORKER_INTERVAL_MS);
  web3.start();
  admin.start(config.MONITOR_SWEEP_INTERVAL_MS);
  // Off by default; every instance ticks, one claims each slot (backup-scheduler.ts).
  registerRecoveryDrillMetrics(metrics, db, logger);
  const { BACKUP_SCHEDULE, DATABASE_URL } = config;
  const backupScheduler =
    BACKUP_SCHEDULE && DATABASE_URL ? createBackupScheduler({ ...config, BACKUP_SCHEDULE, DATABASE_URL }, db, logger) : undefined;
  backupScheduler?.start();

  return {
    config,
    logger,
    metrics,
    db,
    reads,
    cache,
    services,
    events,
    webhooks,
    funding,
    reconciliation,
    payouts,
    web3,
    holdExpiry,
    app,
    backupScheduler,
    fanout,
    graphqlSubscriptions,
    /** Releases pools and timers; the HTTP server is closed by whoever started it. */
    async close() {
      await graphqlSubscriptions.close();
      tenantConfiguration.close();
      await fanout.close();
      await backupScheduler?.stop();
      await idempotencyPurge.stop();
      await approvalExpiry.stop();
      await holdExpiry.stop();
      idempotency.stopRenewals();
      await funding.autoTopUp.idle();
      await funding.cardRefunds.stop();
      await funding.chargeRecovery.stop();
      await payouts.processing.stop();
      await admin.stop();
      await webhooks.worker.stop();
      await webhooks.retention.stop();
      await web3.close();
      await cache.close();
      await reads.close();
      await db.close();
    },
  };
}

export type Container = Awaited<ReturnType<typeof createContainer>>;
