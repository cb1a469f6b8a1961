import { newId } from '../../../infra/crypto/ids';
import type { Transaction } from '../../../shared/transaction';
import type { Logger } from '../../../infra/logger';
import type { Metrics } from '../../../infra/metrics';
import { BatchWorker, type BatchSummary } from '../../../infra/batch-worker';
import { AppError, Unprocessable } from '../../../shared/errors';
import type { Transfer, ExternalRefund, ExternalRefundHandler, PostedTransfer } from '../../ledger';
import { retryDelayMs } from '../../../shared/retry-delay';
import { isDefiniteFailure } from '../processor/payment-processor';
import type { ProcessorChoice } from '../processor/tenant-processors';
import type { CardRefund, CardRefundRepository, ReopenedCardRefund } from './card-refund.repository';

export interface CardRefundOptions {
  /** Longer than the slowest processor call, so no other worker takes a row mid-call. */
  leaseMs: number;
  batchSize: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** After this many attempts that did not get an answer, the refund is failed for an operator. */
  attemptsMax: number;
}

export type CardRefundOutcome = 'succeeded' | 'retried' | 'failed';

/** What a card-funded transfer's metadata holds (written by ChargeAndCredit). */
interface FundedBy {
  chargeId: string;
  processor: string;
  processorChargeId: string;
}

/**
 * Gives back to the card what a ledger refund of a card-funded transfer took out of the wallet.
 * The obligation is recorded in the refund's own transaction (`record`), the processor is asked
 * right after the commit (`settle`) and by the worker (`runOnce`) until it answers, always under
 * the record's id as the idempotency key, so a crash or a retry never loses nor doubles a refund.
 * A definite refusal ends `failed`: logged, counted (ocp_card_refunds_total{outcome="failed"})
 * and left in card_refunds for an operator.
 */
export class CardRefunds implements ExternalRefundHandler {
  private readonly worker: BatchWorker<CardRefund, CardRefundOutcome>;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    /** A refund goes to the processor that took the charge: its tenant's of the recorded name. */
    private readonly processors: ProcessorChoice,
    private readonly refunds: CardRefundRepository,
    private readonly logger: Logger,
    private readonly options: CardRefundOptions,
    metrics?: Metrics,
  ) {
    this.worker = new BatchWorker(
      {
        name: 'card refund worker',
        outcomes: ['succeeded', 'retried', 'failed'],
        metric: metrics && {
          metrics,
          name: 'ocp_card_refunds_total',
          help: 'Attempts to refund a card after a ledger refund, by outcome (succeeded, retried, failed)',
        },
        batchSize: options.batchSize,
        claim: (limit) => this.refunds.claimDue(limit, options.leaseMs),
        // The processor is asked again under the same id, and answers without refunding twice.
        handle: (r) => this.attempt(r),
        tenantOf: (item) => item.tenantId,
        describe: describeRefund,
      },
      logger,
    );
  }

  /** Errors: not_refundable (422) when the original does not say which charge funded it. */
  async record(tx: Transaction, original: Transfer, refund: PostedTransfer): Promise<ExternalRefund> {
    const funded = fundedBy(original);
    // Refusing keeps the money in the wallet: better than taking it with no way to give it back.
    if (!funded) throw new Unprocessable('not_refundable', 'The card charge behind this transfer is unknown');
    const id = newId('crf');
    await this.refunds.insert(tx, {
      id,
      refundTransferId: refund.transfer.id,
      chargeId: funded.chargeId,
      processor: funded.processor,
      processorChargeId: funded.processorChargeId,
      amount: refund.transfer.amount,
      currency: refund.transfer.currency,
    });
    return { id, status: 'pending' };
  }

  /**
   * An operator's retry of a failed refund, in the caller's transaction (the audit row's); call
   * `settle` after the commit. Same id, so the processor refunds at most once whatever happened
   * before. Returns the refund as it was, or null when unknown.
   */
  reopen(tx: Transaction, id: string): Promise<ReopenedCardRefund | null> {
    return this.refunds.reopenFailed(tx, id);
  }

  settle(external: ExternalRefund): void {
    const attempt = this.attemptNow(external.id)
      .catch((error: unknown) =>
        this.logger.error('card refund attempt failed; the worker retries it', { cardRefundId: external.id, error }),
      )
      .finally(() => this.inFlight.delete(attempt));
    this.inFlight.add(attempt);
  }

  /** One batch of due refunds. Errors: only the claim query's (a database outage). */
  runOnce(): Promise<BatchSummary<CardRefundOutcome>> {
    return this.worker.runOnce();
  }

  start(intervalMs: number): void {
    this.worker.start(intervalMs);
  }

  /** Stops the worker and waits for every attempt in flight, so the pools can be closed after. */
  async stop(): Promise<void> {
    await this.worker.stop();
    await this.idle();
  }

  /** Resolves when the attempts started after commits have finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  private async attemptNow(id: string): Promise<void> {
    const refund = await this.refunds.claim(id, this.options.leaseMs);
    if (refund) await this.worker.work(refund);
  }

  /** Throws only when the outcome could not be recorded. */
  private async attempt(r: CardRefund): Promise<CardRefundOutcome> {
    const context = describeRefund(r);
    const processor = await this.processors.named(r.tenantId, r.processor);
    if (!processor) {
      await this.refunds.markFailed(r, `processor_mismatch: charged by ${r.processor}, which this tenant no longer has`);
      return this.count('failed', { ...context, reason: 'processor_mismatch' });
    }
    let processorRefundId: string;
    try {
      ({ processorRefundId } = await processor.refund({
        refundId: r.id,
        processorChargeId: r.processorChargeId,
        amount: r.amount,
        currency: r.currency,
      }));
    } catch (error) {
      const reason = reasonOf(error);
      if (isRefusal(error) || r.attempts >= this.options.attemptsMax) {
        await this.refunds.markFailed(r, reason);
        return this.count('failed', { ...context, reason });
      }
      const delayMs = retryDelayMs(r.attempts, this.options.backoffBaseMs, this.options.backoffMaxMs);
      await this.refunds.scheduleRetry(r, delayMs, reason);
      return this.count('retried', { ...context, reason, delayMs });
    }
    await this.refunds.markSucceeded(r, processorRefundId);
    return this.count('succeeded', context);
  }

  private count(outcome: CardRefundOutcome, fields: Record<string, unknown>): CardRefundOutcome {
    const level = outcome === 'succeeded' ? 'info' : outcome === 'retried' ? 'warn' : 'error';
    const message =
      outcome === 'failed' ? 'card refund failed: the money must be returned to the card by an operator' : `card refund ${outcome}`;
    this.logger.log(level, message, fields);
    return outcome;
  }
}

function fundedBy(t: Transfer): FundedBy | null {
  const { chargeId, processor, processorChargeId } = t.metadata;
  return typeof chargeId === 'string' && typeof processor === 'string' && typeof processorChargeId === 'string'
    ? { chargeId, processor, processorChargeId }
    : null;
}

/** A refusal will not change on a retry: a decline, or any other 4xx the processor answered. */
function isRefusal(error: unknown): boolean {
  return isDefiniteFailure(error) || (error instanceof AppError && error.kind === 'unprocessable');
}

function reasonOf(error: unknown): string {
  if (!(error instanceof AppError)) return 'internal_error';
  const declineCode = (error.details as { declineCode?: string } | undefined)?.declineCode;
  return declineCode ? `${error.code}:${declineCode}` : error.code;
}

/** Ids and amounts only: the charge's token and card stay out of the logs. */
function describeRefund(r: CardRefund) {
  return {
    cardRefundId: r.id,
    refundTransferId: r.refundTransferId,
    chargeId: r.chargeId,
    amount: r.amount.toString(),
    currency: r.currency,
    attempt: r.attempts,
  };
}
