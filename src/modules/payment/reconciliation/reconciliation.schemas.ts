import { z } from 'zod';
import { pageQuery } from '../../../shared/pagination';
import { RECONCILIATION_RESULTS, type Reconciliation, type ReconciliationItem, type ResultCounts } from './reconciliation.repository';
import type { ReconciliationSummary } from './reconciliation.service';
import { SETTLEMENT_KINDS } from './settlement-record-sources';

export const uploadQuery = z
  .object({
    processor: z
      .string()
      .regex(/^[a-z0-9_-]{1,32}$/)
      .optional()
      .meta({
        description:
          "Whose records the file is matched against (default: the tenant's processor: its own when it picks one, else PAYMENT_PROCESSOR)",
      }),
  })
  .strict();

// Item pages follow the file's order (seq), not time: the cursor is the last seq seen.
const itemCursor = z
  .string()
  .regex(/^\d{1,9}$/, 'is not a valid cursor')
  .transform(Number)
  .optional()
  .meta({ description: 'The nextCursor of the previous page' });

export const itemsQuery = pageQuery
  .omit({ cursor: true })
  .extend({ result: z.enum(RECONCILIATION_RESULTS).optional(), cursor: itemCursor })
  .strict();
export const exportQuery = z.object({ result: z.enum(RECONCILIATION_RESULTS).optional() }).strict();

const counts = z.object(
  Object.fromEntries(RECONCILIATION_RESULTS.map((r) => [r, z.number().int()])) as Record<keyof ResultCounts, z.ZodNumber>,
);

export const reconciliationView = z
  .object({
    id: z.string(),
    processor: z.string(),
    format: z.enum(['ocp', 'stripe']),
    fileSha256: z.string(),
    fileRows: z.number().int(),
    ignoredRows: z.number().int().meta({ description: 'Rows of other types (fees, adjustments, transfers), not reconciled' }),
    periodStart: z.string(),
    periodEnd: z.string(),
    counts,
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'Reconciliation' });

export const reconciliationSummaryView = reconciliationView
  .extend({ byKind: z.object(Object.fromEntries(SETTLEMENT_KINDS.map((k) => [k, counts.optional()]))) })
  .meta({ id: 'ReconciliationSummary' });

export const reconciliationPageView = z.object({ data: z.array(reconciliationView), nextCursor: z.string().nullable() });

const side = { amount: z.string().meta({ description: 'Minor units' }), currency: z.string() };
export const reconciliationItemView = z
  .object({
    seq: z.number().int(),
    kind: z.enum(SETTLEMENT_KINDS),
    result: z.enum(RECONCILIATION_RESULTS),
    processorId: z.string(),
    theirs: z.object({ line: z.number().int(), ...side, fee: z.string(), date: z.string() }).nullable(),
    ours: z.object({ id: z.string(), ...side, date: z.string() }).nullable(),
  })
  .meta({ id: 'ReconciliationItem' });

export const reconciliationItemPageView = z.object({ data: z.array(reconciliationItemView), nextCursor: z.string().nullable() });

export function toReconciliationView(r: Reconciliation) {
  return { ...r, periodStart: r.periodStart.toISOString(), periodEnd: r.periodEnd.toISOString(), createdAt: r.createdAt.toISOString() };
}

export function toSummaryView(r: ReconciliationSummary) {
  return { ...toReconciliationView(r), byKind: r.byKind };
}

export function toItemView(i: ReconciliationItem) {
  return {
    seq: i.seq,
    kind: i.kind,
    result: i.result,
    processorId: i.processorId,
    theirs: i.theirs && {
      line: i.theirs.line,
      amount: i.theirs.amountMinor.toString(),
      currency: i.theirs.currency,
      fee: i.theirs.feeMinor.toString(),
      date: i.theirs.occurredAt.toISOString(),
    },
    ours: i.ours && {
      id: i.ours.id,
      amount: i.ours.amountMinor.toString(),
      currency: i.ours.currency,
      date: i.ours.occurredAt.toISOString(),
    },
  };
}
