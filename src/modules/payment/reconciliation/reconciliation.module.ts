import type { Database } from '../../../infra/db/database';
import type { EventBus } from '../../../shared/events';
import type { FundingModule } from '../funding/funding.module';
import { SqlCardChargeRepository } from '../funding/adapters/sql-card-charge.repository';
import { SqlCardRefundRepository } from '../funding/adapters/sql-card-refund.repository';
import { SqlReconciliationRepository } from './adapters/sql-reconciliation.repository';
import { ReconciliationService, type AuditedActions } from './reconciliation.service';
import { cardChargeSource, cardRefundSource, SettlementRecordSources, type SettlementRecordSource } from './settlement-record-sources';

export interface ReconciliationModuleDeps {
  db: Database;
  events: EventBus;
  /** The admin audit log (the admin module's AuditTrail): each upload is an audited admin action. */
  audit: AuditedActions;
  /** The processor the funding module charges through: files are matched against its records by default. */
  funding: Pick<FundingModule, 'processor'>;
  /** Sources of other kinds of record (the payouts module's), beside the card charges and refunds. */
  extraSources?: readonly SettlementRecordSource[];
}

// A period may hold this many of our records that its file leaves out, beyond which the file is
// refused (upload shorter periods): the items of one reconciliation stay bounded.
const MISSING_THEIRS_MAX = 100_000;

/** The reconciliation of settlement files against card charges, card refunds and whatever sources are plugged in. */
export function createReconciliationModule({ db, events, audit, funding, extraSources = [] }: ReconciliationModuleDeps) {
  const sources = new SettlementRecordSources([
    cardChargeSource(new SqlCardChargeRepository(db)),
    cardRefundSource(new SqlCardRefundRepository(db)),
    ...extraSources,
  ]);
  const service = new ReconciliationService(new SqlReconciliationRepository(db), sources, audit, events, {
    defaultProcessor: funding.processor.name,
    missingTheirsMax: MISSING_THEIRS_MAX,
  });
  return { service, sources };
}

export type ReconciliationModule = ReturnType<typeof createReconciliationModule>;
