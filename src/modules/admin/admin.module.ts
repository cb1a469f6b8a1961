import type { Config } from '../../config/config';
import type { Database } from '../../infra/db/database';
import type { LoginLocks } from '../auth/login-locks';
import type { LedgerService } from '../ledger/ledger.service';
import { SqlAdminUserRepository } from './adapters/sql-admin-user.repository';
import { SqlAuditRepository } from './adapters/sql-audit.repository';
import { SqlCustomerRepository } from './adapters/sql-customer.repository';
import { SqlRefundRequestRepository } from './adapters/sql-refund-request.repository';
import { AdjustmentService } from './adjustment.service';
import { AdminUserService } from './admin-users.service';
import { AuditTrail } from './audit/audit-trail';
import { CustomerService } from './customers/customer.service';
import { RefundService } from './refunds/refund.service';

export interface AdminModuleDeps {
  config: Config;
  db: Database;
  ledger: LedgerService;
  locks: LoginLocks;
}

/** The admin service: operators, audit log, customers, refunds. */
export function createAdminModule({ config, db, ledger, locks }: AdminModuleDeps) {
  const audit = new AuditTrail(db, new SqlAuditRepository(db));
  return {
    audit,
    users: new AdminUserService(new SqlAdminUserRepository(), audit),
    adjustments: new AdjustmentService(ledger, audit),
    customers: new CustomerService(new SqlCustomerRepository(db), audit, locks),
    refunds: new RefundService(db, new SqlRefundRequestRepository(db), ledger, audit, {
      fourEyesThresholdMinor: BigInt(config.REFUND_FOUR_EYES_THRESHOLD_MINOR),
    }),
  };
}

export type AdminModule = ReturnType<typeof createAdminModule>;
