import { createHash } from 'node:crypto';
import { newId } from '../../../infra/crypto/ids';
import { NotFound, Unprocessable, ValidationFailed } from '../../../shared/errors';
import { newEvent, type EventBus } from '../../../shared/events';
import { toPage, type Cursor, type Page } from '../../../shared/pagination';
import type { AuditedActions, OperatorContext } from '../../../shared/audited-actions';
import { SettlementFileProblem } from './csv-records';
import { compareRow, countResults, countsByKind, mismatchCount, missingTheirs } from './matching';
import type {
  Reconciliation,
  ReconciliationItem,
  ReconciliationRepository,
  ReconciliationResult,
  ResultCounts,
} from './reconciliation.repository';
import { readSettlementFile, type SettlementRow } from './settlement-file';
import { SETTLEMENT_KINDS, type SettledRecord, type SettlementKind, type SettlementRecordSources } from './settlement-record-sources';

/** Told on the EventBus when a reconciliation found differences (monitoring raises an alert on it). */
export const RECONCILIATION_MISMATCHED = 'reconciliation.mismatched';

export interface ReconciliationSettings {
  /**
   * The processor whose records a file is matched against when the upload names none: the
   * operator's tenant's (its own when it picks one, else PAYMENT_PROCESSOR).
   */
  defaultProcessor: () => Promise<string>;
  /** How many of our records a period may hold that the file does not list. */
  missingTheirsMax: number;
}

export interface ReconciliationSummary extends Reconciliation {
  byKind: Partial<Record<SettlementKind, ResultCounts>>;
}

const LOOKUP_BATCH = 1_000;

/** Matches a processor's settlement file against OCP's records of the charges, refunds and payouts it lists. */
export class ReconciliationService {
  constructor(
    private readonly repo: ReconciliationRepository,
    private readonly sources: SettlementRecordSources,
    private readonly audit: Pick<AuditedActions, 'run'>,
    private readonly events: EventBus,
    private readonly settings: ReconciliationSettings,
  ) {}

  /**
   * Reads the file, matches each row against our record with its processor id, lists our records of
   * the file's period that it leaves out, and stores it all with the upload's audit row; mismatches
   * are then told on the EventBus. A file that cannot be read exactly stores nothing.
   * Errors: settlement_file_invalid (400), reconciliation_too_large (422), processor_not_configured (503,
   * no processor named and the tenant's has no credentials).
   */
  async reconcile(ctx: OperatorContext, bytes: Uint8Array, named?: string): Promise<Reconciliation> {
    const processor = named ?? (await this.settings.defaultProcessor());
    const file = readFile(bytes);
    this.refuseKindsWithoutSource(file.rows);
    const period = periodOf(file.rows);
    const fromFile = await this.matchRows(processor, file.rows);
    const notInFile = await this.findMissingTheirs(processor, file.rows, period);
    const items = [...fromFile, ...notInFile].map((item, seq) => ({ ...item, seq }));
    const id = newId('rcn');
    const counts = countResults(items);
    const reconciliation = await this.audit.run(
      ctx,
      { action: 'reconciliation.upload', targetType: 'reconciliation', targetId: id },
      async (tx) => {
        const saved = await this.repo.insert(
          tx,
          {
            id,
            processor,
            format: file.format,
            fileSha256: createHash('sha256').update(bytes).digest('hex'),
            fileRows: file.rows.length + file.ignoredRows,
            ignoredRows: file.ignoredRows,
            periodStart: period.from,
            periodEnd: period.to,
            counts,
            createdBy: ctx.actorId,
          },
          items,
        );
        return { result: saved, after: { processor, format: file.format, counts } };
      },
    );
    if (mismatchCount(counts) > 0) this.tellMismatches(ctx, reconciliation, countsByKind(items));
    return reconciliation;
  }

  /** Errors: reconciliation_not_found (404). */
  async get(id: string): Promise<ReconciliationSummary> {
    const reconciliation = await this.repo.findById(id);
    if (!reconciliation) throw new NotFound('Reconciliation not found', 'reconciliation_not_found');
    return { ...reconciliation, byKind: await this.repo.countsByKind(id) };
  }

  async list(limit: number, after?: Cursor): Promise<Page<Reconciliation>> {
    return toPage(await this.repo.list(limit, after), limit);
  }

  /** A page of items in file order. Errors: reconciliation_not_found (404). */
  async items(
    id: string,
    result: ReconciliationResult | undefined,
    limit: number,
    afterSeq?: number,
  ): Promise<{ data: ReconciliationItem[]; nextSeq: number | null }> {
    if (!(await this.repo.findById(id))) throw new NotFound('Reconciliation not found', 'reconciliation_not_found');
    const rows = await this.repo.listItems(id, result, limit, afterSeq);
    const data = rows.slice(0, limit);
    return { data, nextSeq: rows.length > limit ? data[data.length - 1]!.seq : null };
  }

  private refuseKindsWithoutSource(rows: SettlementRow[]): void {
    for (const kind of SETTLEMENT_KINDS) {
      const first = rows.find((r) => r.kind === kind);
      if (first && !this.sources.get(kind)) {
        throw fileInvalid(new SettlementFileProblem(first.line, `${kind} rows cannot be reconciled: this server keeps no ${kind} records`));
      }
    }
  }

  private async matchRows(processor: string, rows: SettlementRow[]) {
    const ours = new Map<string, SettledRecord>();
    for (const kind of SETTLEMENT_KINDS) {
      const ids = rows.filter((r) => r.kind === kind).map((r) => r.processorId);
      for (let i = 0; i < ids.length; i += LOOKUP_BATCH) {
        const found = await this.sources.get(kind)!.findByProcessorIds(processor, ids.slice(i, i + LOOKUP_BATCH));
        for (const record of found) ours.set(`${kind}:${record.processorId}`, record);
      }
    }
    return rows.map((row) => compareRow(row, ours.get(`${row.kind}:${row.processorId}`)));
  }

  /** Our records of the period, kind by kind, oldest first, that the file does not list. */
  private async findMissingTheirs(processor: string, rows: SettlementRow[], period: { from: Date; to: Date }) {
    const listed = new Set(rows.map((r) => `${r.kind}:${r.processorId}`));
    const missing: ReturnType<typeof missingTheirs>[] = [];
    for (const source of this.sources.all()) {
      let after: SettledRecord | undefined;
      for (;;) {
        const page = await source.listSettledBetween(processor, period.from, period.to, LOOKUP_BATCH, after);
        for (const record of page) {
          if (listed.has(`${source.kind}:${record.processorId}`)) continue;
          missing.push(missingTheirs(source.kind, record));
          if (missing.length > this.settings.missingTheirsMax) {
            throw new Unprocessable(
              'reconciliation_too_large',
              `More than ${this.settings.missingTheirsMax} of our records in the file's period are not in the file; upload shorter periods`,
              { limit: this.settings.missingTheirsMax },
            );
          }
        }
        if (page.length < LOOKUP_BATCH) break;
        after = page[page.length - 1];
      }
    }
    return missing;
  }

  private tellMismatches(ctx: OperatorContext, r: Reconciliation, byKind: Partial<Record<SettlementKind, ResultCounts>>): void {
    const { amount_mismatch, missing_ours, missing_theirs } = r.counts;
    this.events.publish([
      newEvent(RECONCILIATION_MISMATCHED, ctx.actorId, {
        reconciliationId: r.id,
        processor: r.processor,
        counts: { amount_mismatch, missing_ours, missing_theirs },
        byKind,
      }),
    ]);
  }
}

function readFile(bytes: Uint8Array) {
  try {
    return readSettlementFile(bytes);
  } catch (error) {
    if (error instanceof SettlementFileProblem) throw fileInvalid(error);
    throw error;
  }
}

function fileInvalid(problem: SettlementFileProblem): ValidationFailed {
  return new ValidationFailed(
    `The settlement file cannot be reconciled: ${problem.message}`,
    { line: problem.line, reason: problem.reason },
    'settlement_file_invalid',
  );
}

/** The file's period: from its earliest row's date to its latest, both included. */
function periodOf(rows: SettlementRow[]): { from: Date; to: Date } {
  let from = rows[0]!.occurredAt;
  let to = from;
  for (const { occurredAt } of rows) {
    if (occurredAt < from) from = occurredAt;
    if (occurredAt > to) to = occurredAt;
  }
  return { from, to };
}
