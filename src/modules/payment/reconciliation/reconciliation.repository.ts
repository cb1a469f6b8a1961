import type { Transaction } from '../../../shared/transaction';
import type { Cursor } from '../../../shared/pagination';
import type { SettlementFormat } from './settlement-file';
import type { SettlementKind } from './settlement-record-sources';

export const RECONCILIATION_RESULTS = ['matched', 'amount_mismatch', 'missing_ours', 'missing_theirs'] as const;
export type ReconciliationResult = (typeof RECONCILIATION_RESULTS)[number];
export type ResultCounts = Record<ReconciliationResult, number>;

/** One row of the file, or one record of ours the file should have listed, and how they compare. */
export interface ReconciliationItem {
  /** Position: the file's rows in file order, then missing_theirs oldest first. */
  seq: number;
  kind: SettlementKind;
  result: ReconciliationResult;
  processorId: string;
  /** The file's side; null for missing_theirs. */
  theirs: { line: number; amountMinor: bigint; currency: string; feeMinor: bigint; occurredAt: Date } | null;
  /** Our side; null for missing_ours. */
  ours: { id: string; amountMinor: bigint; currency: string; occurredAt: Date } | null;
}

export interface Reconciliation {
  id: string;
  processor: string;
  format: SettlementFormat;
  fileSha256: string;
  fileRows: number;
  ignoredRows: number;
  periodStart: Date;
  periodEnd: Date;
  counts: ResultCounts;
  createdBy: string;
  createdAt: Date;
}

export type NewReconciliation = Omit<Reconciliation, 'createdAt'>;

/** Storage of reconciliations: written once with their items, then only read. */
export interface ReconciliationRepository {
  insert(tx: Transaction, reconciliation: NewReconciliation, items: readonly ReconciliationItem[]): Promise<Reconciliation>;
  findById(id: string): Promise<Reconciliation | null>;
  /** Newest first; limit + 1 rows. */
  list(limit: number, after?: Cursor): Promise<Reconciliation[]>;
  /** The counts of each result per kind of record. */
  countsByKind(id: string): Promise<Partial<Record<SettlementKind, ResultCounts>>>;
  /** In seq order, after `afterSeq`; limit + 1 rows. */
  listItems(id: string, result: ReconciliationResult | undefined, limit: number, afterSeq?: number): Promise<ReconciliationItem[]>;
}
