import type { SqlClient } from '../../infra/db/database';
import type { LedgerService } from '../ledger';
import { SqlRiskRepository } from './adapters/sql-risk.repository';
import { RiskModelStore } from './risk-model.store';
import { RiskService, type AuditedActions, type RiskThresholds } from './risk.service';

export interface RiskModuleDeps {
  db: SqlClient;
  /** Every movement it posts is screened (registered here). */
  ledger: Pick<LedgerService, 'screenMovementsWith'>;
  audit: AuditedActions;
  /** Where the risk-<version>.json files are (RISK_MODEL_DIR). */
  modelDir: string;
  thresholds: RiskThresholds;
}

/** Risk scoring of money movements, registered with the ledger as its movement screen. */
export function createRiskModule(d: RiskModuleDeps) {
  const service = new RiskService(new SqlRiskRepository(d.db), new RiskModelStore(d.modelDir), d.thresholds, d.audit);
  d.ledger.screenMovementsWith(service);
  return { service };
}
