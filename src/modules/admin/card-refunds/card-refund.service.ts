import type { Transaction } from '../../../shared/transaction';
import { Conflict, NotFound } from '../../../shared/errors';
import { toPage, type Cursor, type Page } from '../../../shared/pagination';
import type { AdminContext } from '../audit/audit.repository';
import type { AuditTrail } from '../audit/audit-trail';
import type { CardRefundRecord, CardRefundRetries, CardRefundSearchRepository, CardRefundStatus } from './card-refund-desk';

/**
 * Card refunds for operators: what is owed to cards, and a retry of the ones that failed. A retry
 * reopens the refund in the audit row's transaction and asks the processor right after the commit,
 * under the refund's unchanged id, so the processor refunds it at most once however many retries.
 */
export class CardRefundAdminService {
  constructor(
    private readonly repo: CardRefundSearchRepository,
    private readonly retries: CardRefundRetries,
    private readonly audit: AuditTrail,
  ) {}

  async list(status: CardRefundStatus | undefined, limit: number, after?: Cursor): Promise<Page<CardRefundRecord>> {
    return toPage(await this.repo.list(status, limit, after), limit);
  }

  /** Errors: card_refund_not_found (404). */
  async get(id: string): Promise<CardRefundRecord> {
    const found = await this.repo.find(id);
    if (!found) throw notFound();
    return found;
  }

  /**
   * Sends a failed refund back to `pending` (attempts reset) and settles it again at once.
   * Returns the refund as committed (`pending`); its outcome follows (GET it, or the worker retries).
   * Errors: card_refund_not_found (404), card_refund_not_failed (409).
   */
  async retry(
    ctx: AdminContext,
    id: string,
    reason: string,
    inTx?: (tx: Transaction, reopened: CardRefundRecord) => Promise<void>,
  ): Promise<CardRefundRecord> {
    const entry = { action: 'card_refund.retry', targetType: 'card_refund', targetId: id, reason };
    const reopened = await this.audit.run(ctx, entry, async (tx) => {
      const before = await this.retries.reopen(tx, id);
      if (!before) throw notFound();
      if (before.status !== 'failed') {
        throw new Conflict('card_refund_not_failed', 'Only a failed card refund can be retried', { status: before.status });
      }
      const now = (await this.repo.find(id, tx))!;
      await inTx?.(tx, now);
      return { result: now, before, after: { status: now.status, attempts: now.attempts } };
    });
    this.retries.settle({ id: reopened.id, status: 'pending' });
    return reopened;
  }
}

const notFound = () => new NotFound('Card refund not found', 'card_refund_not_found');
