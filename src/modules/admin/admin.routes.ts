import type { Api } from '../../http/api';
import type { AdminModule } from './admin.module';
import { adminApiClientRoutes } from './routes/api-clients.routes';
import { adminAnalyticsRoutes } from './routes/analytics.routes';
import { adminCardRefundRoutes } from './routes/card-refunds.routes';
import { adminWebhookRoutes } from './routes/webhooks.routes';
import { adminCustomerRoutes } from './routes/customers.routes';
import { adminLedgerRoutes } from './routes/ledger.routes';
import { adminMonitoringRoutes } from './routes/monitoring.routes';
import { adminAdjustmentRoutes } from './routes/adjustments.routes';
import { adminRefundRoutes } from './routes/refunds.routes';
import { adminUserAndAuditRoutes } from './routes/users-audit.routes';

/** Every admin route; each checks its own permission from the one table in auth/permissions.ts. */
export function adminRoutes(api: Api, admin: AdminModule): void {
  adminUserAndAuditRoutes(api, admin);
  adminApiClientRoutes(api, admin);
  adminCustomerRoutes(api, admin);
  adminRefundRoutes(api, admin);
  adminAdjustmentRoutes(api, admin);
  adminCardRefundRoutes(api, admin);
  adminWebhookRoutes(api, admin);
  adminMonitoringRoutes(api, admin);
  adminAnalyticsRoutes(api, admin);
  adminLedgerRoutes(api, admin);
}
