import type { Database } from '../../../infra/db/database';
import type { EventBus } from '../../../shared/events';
import type { FundingModule } from '../funding/funding.module';
import { SqlCardChargeRepository } from '../funding/adapters/sql-card-charge.repository';
import { SqlCardRefundRepository } from '../funding/adapters/sql-card-refund.repository';
import { SqlPayoutRepository } from '../payouts/adapters/sql-payout.repository';
import { SqlReconciliationRepository } from './adapters/sql-reconciliation.repository';
import type { AuditedActions } from '../../../shared/audited-actions';
import { ReconciliationService } from './reconciliation.service';
import { cardChargeSource, cardRefundSource, payoutSource, SettlementRecordSources } from './settlement-record-sources';

export interface ReconciliationModuleDeps {
  db: Database;
  events: EventBus;
  /** The admin audit log (the admin module's AuditTrail): each upload is an audited admin action. */
  audit: Pick<AuditedActions, 'run'>;
  /** The processors the funding module charges through: files are matched against the tenant's records by default. */
  funding: Pick<FundingModule, 'processors'>;
}

// A period may hold this many of our records that its file leaves out, beyond which the file is
// refused (upload shorter periods): the items of one reconciliation stay bounded.
const MISSING_THEIRS_MAX = 100_000;

/** The reconciliation of settlement files against card charges, card refunds, payouts and whatever sources are plugged in. */
export function createReconciliationModule({ db, events, audit, funding }: ReconciliationModuleDeps) {
  const sources = new SettlementRecordSources([
    cardChargeSource(new SqlCardChargeRepository(db)),
    cardRefundSource(new SqlCardRefundRepository(db)),
    payoutSource(new SqlPayoutRepository(db)),
  ]);
  const service = new ReconciliationService(new SqlReconciliationRepository(db), sources, audit, events, {
    defaultProcessor: async () => (await funding.processors.current()).name,
    missingTheirsMax: MISSING_THEIRS_MAX,
  });
  return { service, sources };
}

export type ReconciliationModule = ReturnType<typeof createReconciliationModule>;
