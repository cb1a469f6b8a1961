import type { Transaction, TransactionRunner } from '../../../shared/transaction';
import { AppError } from '../../../shared/errors';
import { toPage, type Cursor, type Page } from '../../../shared/pagination';
import type { AdminContext, AuditEntry, AuditFilter, AuditRecord, AuditRepository } from './audit.repository';

/**
 * Makes admin actions accountable: the audit row is written in the same transaction as the
 * action, so there is never an action without its row nor a row for an action that rolled back.
 * A refused action (not found, conflict, four-eyes...) is recorded too, in its own transaction,
 * with outcome `refused`; a request that fails validation records nothing.
 */
export class AuditTrail {
  constructor(
    private readonly db: TransactionRunner,
    private readonly repo: AuditRepository,
  ) {}

  /** Runs `work` and its audit row in one transaction; `work` returns the result and what changed. */
  async run<T>(
    ctx: AdminContext,
    entry: Omit<AuditEntry, 'before' | 'after'>,
    work: (tx: Transaction) => Promise<{ result: T; before?: unknown; after?: unknown }>,
  ): Promise<T> {
    return this.recordingRefusals(ctx, entry, () =>
      this.db.transaction(async (tx) => {
        const { result, before, after } = await work(tx);
        await this.repo.append(tx, ctx, { ...entry, before, after }, 'succeeded');
        return result;
      }),
    );
  }

  /** For actions posted by another service in its own transaction (ledger guard / inTx hooks). */
  async append(tx: Transaction, ctx: AdminContext, entry: AuditEntry): Promise<void> {
    await this.repo.append(tx, ctx, entry, 'succeeded');
  }

  /** Runs an action that writes its own audit row, recording a refusal if it throws one. */
  async recordingRefusals<T>(ctx: AdminContext, entry: AuditEntry, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof AppError && error.kind !== 'validation') {
        await this.db.transaction((tx) => this.repo.append(tx, ctx, entry, 'refused', error.code));
      }
      throw error;
    }
  }

  async list(filter: AuditFilter, limit: number, after?: Cursor): Promise<Page<AuditRecord>> {
    return toPage(await this.repo.list(filter, limit, after), limit);
  }
}
