import type { ReconciliationItem, ReconciliationResult, ResultCounts } from './reconciliation.repository';
import type { SettlementRow } from './settlement-file';
import type { SettledRecord, SettlementKind } from './settlement-record-sources';

type Unnumbered = Omit<ReconciliationItem, 'seq'>;

/** A file row against our record with its processor id: same amount and currency exactly, in minor units. */
export function compareRow(row: SettlementRow, ours: SettledRecord | undefined): Unnumbered {
  const theirs = {
    line: row.line,
    amountMinor: row.amountMinor,
    currency: row.currency,
    feeMinor: row.feeMinor,
    occurredAt: row.occurredAt,
  };
  if (!ours) return { kind: row.kind, result: 'missing_ours', processorId: row.processorId, theirs, ours: null };
  const same = ours.amountMinor === row.amountMinor && ours.currency === row.currency;
  return {
    kind: row.kind,
    result: same ? 'matched' : 'amount_mismatch',
    processorId: row.processorId,
    theirs,
    ours: ourSide(ours),
  };
}

/** A record of ours in the file's period that the file does not list. */
export function missingTheirs(kind: SettlementKind, ours: SettledRecord): Unnumbered {
  return { kind, result: 'missing_theirs', processorId: ours.processorId, theirs: null, ours: ourSide(ours) };
}

const ourSide = (r: SettledRecord) => ({ id: r.ourId, amountMinor: r.amountMinor, currency: r.currency, occurredAt: r.occurredAt });

export function emptyCounts(): ResultCounts {
  return { matched: 0, amount_mismatch: 0, missing_ours: 0, missing_theirs: 0 };
}

export function countResults(items: readonly { result: ReconciliationResult }[]): ResultCounts {
  const counts = emptyCounts();
  for (const item of items) counts[item.result] += 1;
  return counts;
}

export function countsByKind(items: readonly Unnumbered[]): Partial<Record<SettlementKind, ResultCounts>> {
  const byKind: Partial<Record<SettlementKind, ResultCounts>> = {};
  for (const item of items) (byKind[item.kind] ??= emptyCounts())[item.result] += 1;
  return byKind;
}

export const mismatchCount = (c: ResultCounts) => c.amount_mismatch + c.missing_ours + c.missing_theirs;
