import type { Config } from '../../config/config';
import type { Cache } from '../../infra/cache/cache';
import type { Database, SqlClient } from '../../infra/db/database';
import { inEachTenant } from '../../infra/db/each-tenant';
import type { Logger } from '../../infra/logger';
import { scryptCost } from '../../infra/crypto/passwords';
import type { EventBus } from '../../shared/events';
import type { TenantConfiguration } from '../../shared/tenant-settings';
import type { AuthService, LoginLocks } from '../auth';
import { createLedgerVerifier, type LedgerService } from '../ledger';
import type { WebhookDeliveryLog } from '../webhook';
import { SqlAdminUserRepository } from './adapters/sql-admin-user.repository';
import { SqlAdjustmentRequestRepository } from './adapters/sql-adjustment-request.repository';
import { SqlAnalyticsRepository } from './adapters/sql-analytics.repository';
import { SqlAuditRepository } from './adapters/sql-audit.repository';
import { SqlCardRefundSearchRepository } from './adapters/sql-card-refund-search.repository';
import { SqlCustomerRepository } from './adapters/sql-customer.repository';
import { SqlMonitoringRepository } from './adapters/sql-monitoring.repository';
import { SqlOperatorDayTotals } from './adapters/sql-operator-day-totals';
import { SqlRefundRequestRepository } from './adapters/sql-refund-request.repository';
import { SqlTransactionSearchRepository } from './adapters/sql-transaction-search.repository';
import { MonitoringService } from './monitoring/monitoring.service';
import { TransactionSearchService } from './monitoring/transaction-search';
import { AdjustmentService } from './adjustments/adjustment.service';
import { AdminApiClientService } from './api-clients.service';
import { AdminUserService } from './admin-users.service';
import { AnalyticsService } from './analytics/analytics.service';
import { AuditTrail } from './audit/audit-trail';
import type { CardRefundRetries } from './card-refunds/card-refund-desk';
import { CardRefundAdminService } from './card-refunds/card-refund.service';
import { CustomerService } from './customers/customer.service';
import { RefundService } from './refunds/refund.service';
import { tenantFourEyesLimits } from './four-eyes';

export interface AdminModuleDeps {
  config: Config;
  db: Database;
  /** Where the operators' read-only views (analytics, the transfer search, the audit log) are read: a replica when one is set. */
  reads: SqlClient;
  cache: Cache;
  logger: Logger;
  events: EventBus;
  auth: AuthService;
  ledger: LedgerService;
  locks: LoginLocks;
  /** The funding module's card refunds (its CardRefunds), for operators' retries. */
  cardRefunds: CardRefundRetries;
  /** The webhook module's delivery log, read across accounts. */
  webhookDeliveries: WebhookDeliveryLog;
  /** Each tenant's four-eyes limits (its fourEyes settings). */
  tenants: Pick<TenantConfiguration, 'settingsOf'>;
}

/** The admin service: operators, audit log, customers, refunds, card refunds, monitoring, analytics. */
export function createAdminModule({
  config,
  db,
  reads,
  cache,
  logger,
  events,
  auth,
  ledger,
  locks,
  cardRefunds,
  webhookDeliveries,
  tenants,
}: AdminModuleDeps) {
  // Entries are appended in the caller's transaction on the primary; only the listing reads `reads`.
  const audit = new AuditTrail(db, new SqlAuditRepository(reads));
  const monitoring = new MonitoringService(
    new SqlMonitoringRepository(db),
    cache,
    audit,
    {
      largeAmountMinor: BigInt(config.MONITOR_LARGE_AMOUNT_MINOR),
      velocityMax: config.MONITOR_VELOCITY_MAX,
      velocityWindowMs: config.MONITOR_VELOCITY_WINDOW_MS,
      declinesMax: config.MONITOR_DECLINES_MAX,
      declinesWindowMs: config.MONITOR_DECLINES_WINDOW_MS,
      policyRefusalsMax: config.MONITOR_POLICY_REFUSALS_MAX,
      policyRefusalsWindowMs: config.MONITOR_POLICY_REFUSALS_WINDOW_MS,
    },
    logger,
    (job) => inEachTenant(db, job),
  );
  monitoring.subscribe(events);
  const dayTotals = new SqlOperatorDayTotals();
  let sweeper: NodeJS.Timeout | undefined;
  return {
    monitoring,
    webhookDeliveries,
    analytics: new AnalyticsService(new SqlAnalyticsRepository(reads)),
    transactions: new TransactionSearchService(new SqlTransactionSearchRepository(reads)),
    audit,
    users: new AdminUserService(new SqlAdminUserRepository(), audit, scryptCost(config.PASSWORD_SCRYPT_COST_LOG2)),
    apiClients: new AdminApiClientService(auth, audit),
    adjustments: new AdjustmentService(
      ledger,
      audit,
      new SqlAdjustmentRequestRepository(db),
      dayTotals,
      tenantFourEyesLimits(tenants, 'adjustment', {
        thresholdMinor: config.ADJUSTMENT_FOUR_EYES_THRESHOLD_MINOR,
        dailyLimitMinor: config.ADJUSTMENT_FOUR_EYES_DAILY_LIMIT_MINOR,
      }),
    ),
    customers: new CustomerService(new SqlCustomerRepository(db), audit, locks),
    refunds: new RefundService(
      db,
      new SqlRefundRequestRepository(db),
      ledger,
      audit,
      dayTotals,
      tenantFourEyesLimits(tenants, 'refund', {
        thresholdMinor: config.REFUND_FOUR_EYES_THRESHOLD_MINOR,
        dailyLimitMinor: config.REFUND_FOUR_EYES_DAILY_LIMIT_MINOR,
      }),
    ),
    cardRefunds: new CardRefundAdminService(new SqlCardRefundSearchRepository(db), cardRefunds, audit),
    /** The ledger's invariant checks of `npm run verify-ledger`, for operators without database access. */
    ledgerVerifier: createLedgerVerifier(db),
    /** The periodic monitoring sweep (repeated declines); 0 turns it off. */
    start(intervalMs: number) {
      if (intervalMs <= 0 || sweeper) return;
      sweeper = setInterval(() => {
        monitoring.sweep().catch((error: unknown) => logger.warn('monitoring sweep failed', { error }));
      }, intervalMs);
      sweeper.unref();
    },
    async stop() {
      clearInterval(sweeper);
      sweeper = undefined;
      await monitoring.idle();
    },
  };
}

export type AdminModule = ReturnType<typeof createAdminModule>;
