// The risk module's public surface (docs/risk.md): scoring of money movements, the admin routes,
// insights, and what the dataset/train scripts use. Adapters stay private to the module.
export { FEATURE_NAMES, toFeatures, type RawAggregates } from './risk.features';
export { generateDataset, seededRandom, RISK_DATASET_ROWS, RISK_DATASET_SEED, type Row } from './risk.dataset';
export { trainModel, evaluate } from './risk.training';
export { score, riskModelFile, type RiskModel } from './risk.model';
export { createInsightsService, createRiskModule } from './risk.module';
export { insightsRoutes } from './insights/insights.routes';
export type { InsightsService } from './insights/insights.service';
export { recurringFlows, project, spendingByMonth, type HistoryEntry } from './insights/insights';
export { riskRoutes } from './risk.routes';
export type { RiskService } from './risk.service';
