import { sqlOf, type SqlClient } from '../../../../infra/db/database';
import type { Cursor } from '../../../../shared/pagination';
import type { Transaction } from '../../../../shared/transaction';
import { emptyCounts } from '../matching';
import type {
  NewReconciliation,
  Reconciliation,
  ReconciliationItem,
  ReconciliationRepository,
  ReconciliationResult,
  ResultCounts,
} from '../reconciliation.repository';
import type { SettlementFormat } from '../settlement-file';
import type { SettlementKind } from '../settlement-record-sources';

interface ReconciliationRow {
  id: string;
  processor: string;
  format: SettlementFormat;
  file_sha256: string;
  file_rows: number;
  ignored_rows: number;
  period_start: Date;
  period_end: Date;
  matched: number;
  amount_mismatch: number;
  missing_ours: number;
  missing_theirs: number;
  created_by: string;
  created_at: Date;
}

interface ItemRow {
  seq: number;
  kind: SettlementKind;
  result: ReconciliationResult;
  processor_id: string;
  line: number | null;
  their_amount: bigint | null;
  their_currency: string | null;
  their_fee: bigint | null;
  their_date: Date | null;
  our_id: string | null;
  our_amount: bigint | null;
  our_currency: string | null;
  our_date: Date | null;
}

const COLUMNS = `id, processor, format, file_sha256, file_rows, ignored_rows, period_start, period_end,
  matched, amount_mismatch, missing_ours, missing_theirs, created_by, created_at`;
const ITEM_COLUMNS = `seq, kind, result, processor_id, line, their_amount, their_currency, their_fee, their_date,
  our_id, our_amount, our_currency, our_date`;
// Items go in statements of this many rows: one round trip per batch, parameters bounded.
const INSERT_BATCH = 1_000;

const toReconciliation = (r: ReconciliationRow): Reconciliation => ({
  id: r.id,
  processor: r.processor,
  format: r.format,
  fileSha256: r.file_sha256,
  fileRows: r.file_rows,
  ignoredRows: r.ignored_rows,
  periodStart: r.period_start,
  periodEnd: r.period_end,
  counts: { matched: r.matched, amount_mismatch: r.amount_mismatch, missing_ours: r.missing_ours, missing_theirs: r.missing_theirs },
  createdBy: r.created_by,
  createdAt: r.created_at,
});

const toItem = (r: ItemRow): ReconciliationItem => ({
  seq: r.seq,
  kind: r.kind,
  result: r.result,
  processorId: r.processor_id,
  theirs:
    r.line === null
      ? null
      : {
          line: r.line,
          amountMinor: BigInt(r.their_amount!),
          currency: r.their_currency!,
          feeMinor: BigInt(r.their_fee!),
          occurredAt: r.their_date!,
        },
  ours: r.our_id === null ? null : { id: r.our_id, amountMinor: BigInt(r.our_amount!), currency: r.our_currency!, occurredAt: r.our_date! },
});

export class SqlReconciliationRepository implements ReconciliationRepository {
  constructor(private readonly db: SqlClient) {}

  async insert(tx: Transaction, r: NewReconciliation, items: readonly ReconciliationItem[]): Promise<Reconciliation> {
    const sql = sqlOf(tx);
    const { rows } = await sql.query<ReconciliationRow>(
      `INSERT INTO reconciliations (id, processor, format, file_sha256, file_rows, ignored_rows, period_start, period_end,
         matched, amount_mismatch, missing_ours, missing_theirs, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING ${COLUMNS}`,
      [
        r.id,
        r.processor,
        r.format,
        r.fileSha256,
        r.fileRows,
        r.ignoredRows,
        r.periodStart,
        r.periodEnd,
        r.counts.matched,
        r.counts.amount_mismatch,
        r.counts.missing_ours,
        r.counts.missing_theirs,
        r.createdBy,
      ],
    );
    for (let i = 0; i < items.length; i += INSERT_BATCH) await insertItems(sql, r.id, items.slice(i, i + INSERT_BATCH));
    return toReconciliation(rows[0]!);
  }

  async findById(id: string): Promise<Reconciliation | null> {
    const { rows } = await this.db.query<ReconciliationRow>(`SELECT ${COLUMNS} FROM reconciliations WHERE id = $1`, [id]);
    return rows[0] ? toReconciliation(rows[0]) : null;
  }

  async list(limit: number, after?: Cursor): Promise<Reconciliation[]> {
    const { rows } = await this.db.query<ReconciliationRow>(
      `SELECT ${COLUMNS} FROM reconciliations
        WHERE ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::text))
        ORDER BY created_at DESC, id DESC LIMIT $1`,
      [limit + 1, after?.createdAt ?? null, after?.id ?? null],
    );
    return rows.map(toReconciliation);
  }

  async countsByKind(id: string): Promise<Partial<Record<SettlementKind, ResultCounts>>> {
    const { rows } = await this.db.query<{ kind: SettlementKind; result: ReconciliationResult; n: number }>(
      'SELECT kind, result, count(*)::int AS n FROM reconciliation_items WHERE reconciliation_id = $1 GROUP BY kind, result',
      [id],
    );
    const byKind: Partial<Record<SettlementKind, ResultCounts>> = {};
    for (const { kind, result, n } of rows) (byKind[kind] ??= emptyCounts())[result] = n;
    return byKind;
  }

  async listItems(id: string, result: ReconciliationResult | undefined, limit: number, afterSeq?: number): Promise<ReconciliationItem[]> {
    const { rows } = await this.db.query<ItemRow>(
      `SELECT ${ITEM_COLUMNS} FROM reconciliation_items
        WHERE reconciliation_id = $1 AND ($2::text IS NULL OR result = $2) AND seq > $3
        ORDER BY seq LIMIT $4`,
      [id, result ?? null, afterSeq ?? -1, limit + 1],
    );
    return rows.map(toItem);
  }
}

async function insertItems(sql: SqlClient, reconciliationId: string, items: readonly ReconciliationItem[]): Promise<void> {
  const column = <T>(pick: (item: ReconciliationItem) => T) => items.map(pick);
  await sql.query(
    `INSERT INTO reconciliation_items (reconciliation_id, ${ITEM_COLUMNS})
     SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::int[], $7::bigint[], $8::text[], $9::bigint[],
       $10::timestamptz[], $11::text[], $12::bigint[], $13::text[], $14::timestamptz[])`,
    [
      reconciliationId,
      column((i) => i.seq),
      column((i) => i.kind),
      column((i) => i.result),
      column((i) => i.processorId),
      column((i) => i.theirs?.line ?? null),
      column((i) => i.theirs?.amountMinor.toString() ?? null),
      column((i) => i.theirs?.currency ?? null),
      column((i) => i.theirs?.feeMinor.toString() ?? null),
      column((i) => i.theirs?.occurredAt.toISOString() ?? null),
      column((i) => i.ours?.id ?? null),
      column((i) => i.ours?.amountMinor.toString() ?? null),
      column((i) => i.ours?.currency ?? null),
      column((i) => i.ours?.occurredAt.toISOString() ?? null),
    ],
    { prepare: false },
  );
}
