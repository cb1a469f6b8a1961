import type { Database, SqlClient } from '../../infra/db/database';
import type { Metrics } from '../../infra/metrics';
import type { EventBus } from '../../shared/events';
import type { Outbox } from '../../shared/outbox';
import type { WalletDirectory, WalletRepository } from '../wallet';
import { SqlBalanceHistoryRepository } from './adapters/sql-balance-history.repository';
import { SqlLedgerVerifier } from './adapters/sql-ledger-verifier';
import { SqlLedgerRepository } from './adapters/sql-ledger.repository';
import { SqlTransferRecords } from './adapters/sql-transfer-records.repository';
import type { LedgerVerifier } from './ledger-verifier';
import { registerPostingQueueGauge, subscribeLedgerMetrics } from './ledger.metrics';
import { LedgerService } from './ledger.service';
import { BalanceHistoryService } from './balance-history.service';

export interface LedgerModuleDeps {
  db: Database;
  /** Where the reads that may lag go (history, transfer lists): a read replica, or `db` itself. */
  reads?: SqlClient;
  wallets: { repository: WalletRepository; directory: WalletDirectory };
  outbox: Outbox;
  events: EventBus;
  metrics: Metrics;
}

/** The ledger on the SQL adapter, with its metrics subscribed to `transfer.posted` and its posting queue gauged. */
export function createLedgerService(d: LedgerModuleDeps): LedgerService {
  subscribeLedgerMetrics(d.events, d.metrics);
  const records = new SqlTransferRecords(d.db, d.reads);
  const service = new LedgerService(
    d.db,
    new SqlLedgerRepository(d.db, d.reads),
    d.wallets.repository,
    d.wallets.directory,
    d.outbox,
    d.events,
    records,
  );
  registerPostingQueueGauge(d.metrics, service);
  return service;
}

/** The read-only invariant checks behind `npm run verify-ledger`. */
export function createLedgerVerifier(db: Database): LedgerVerifier {
  return new SqlLedgerVerifier(db);
}

/**
 * Balances at a point in time and statements, read from the entries (GET /wallets/:id/balance,
 * /statement): on `reads`, a read replica when there is one (they may lag by its replay delay).
 */
export function createBalanceHistoryService(reads: SqlClient, wallets: WalletRepository): BalanceHistoryService {
  return new BalanceHistoryService(wallets, new SqlBalanceHistoryRepository(reads));
}
