import type { SqlClient } from '../../infra/db/database';
import type { EventBus } from '../../shared/events';
import type { HoldService, LedgerService } from '../ledger';
import type { AuditedActions } from '../../shared/audited-actions';
import { RiskReviews } from './risk-review.service';
import { SqlInsightsHistory } from './adapters/sql-insights-history';
import { SqlRiskRepository } from './adapters/sql-risk.repository';
import { InsightsService, type EarlyTopUp } from './insights/insights.service';
import type { WalletRepository } from '../wallet';
import { RiskModelStore } from './risk-model.store';
import { RiskService, type RiskThresholds } from './risk.service';

export interface RiskModuleDeps {
  db: SqlClient;
  /** Every movement it posts is screened (registered here). */
  ledger: Pick<LedgerService, 'screenMovementsWith'>;
  audit: AuditedActions;
  /** Movements held for review reserve their money with a hold. */
  holds: Pick<HoldService, 'create' | 'capture' | 'void'>;
  events: EventBus;
  /** Where the risk-<version>.json files are (RISK_MODEL_DIR). */
  modelDir: string;
  thresholds: RiskThresholds;
}

/** Risk scoring of money movements, registered with the ledger as its movement screen. */
export function createRiskModule(d: RiskModuleDeps) {
  const repo = new SqlRiskRepository(d.db);
  const reviews = new RiskReviews(repo, d.holds, d.audit, d.events);
  const service = new RiskService(repo, new RiskModelStore(d.modelDir), d.thresholds, d.audit, reviews, d.events);
  d.ledger.screenMovementsWith(service);
  return { service };
}

/**
 * Spending insights (GET /wallets/:id/insights), read from `reads` (a replica may lag a little);
 * a low-balance forecast starts the wallet's auto top-up early.
 */
export function createInsightsService(d: { reads: SqlClient; wallets: WalletRepository; autoTopUp: EarlyTopUp; lookaheadDays: number }) {
  return new InsightsService(d.wallets, new SqlInsightsHistory(d.reads), d.autoTopUp, d.lookaheadDays);
}
