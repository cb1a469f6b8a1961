import type { Logger } from '../../../infra/logger';
import type { Metrics } from '../../../infra/metrics';
import { BatchWorker, type BatchSummary } from '../../../infra/batch-worker';
import { AppError, Unavailable } from '../../../shared/errors';
import { retryDelayMs } from '../../../shared/retry-delay';
import type { PaymentToken } from '../../token';
import { isDefiniteFailure, type PayoutDestination } from '../processor/payment-processor';
import type { ProcessorChoice } from '../processor/tenant-processors';
import type { PayoutSettlement } from './payout-settlement';
import type { Payout, PayoutRepository } from './payout.repository';
import type { PayoutSender } from './payout.service';

export interface PayoutProcessingOptions {
  /** Longer than the slowest processor call plus the posting, so no other worker takes it mid-attempt. */
  leaseMs: number;
  batchSize: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** After this many attempts without an answer, a pending payout is left to an operator. */
  attemptsMax: number;
  /**
   * A pending payout older than this is not sent again: processors forget idempotency keys after a
   * while (Stripe: 24 hours), and a repeat after that could pay out twice.
   */
  resubmitAgeMaxMs: number;
  /** A paid payout is checked for a return this long after it was paid, then considered settled. */
  returnWindowMs: number;
  /** The first checks come soon after the payout, then further apart, up to this. */
  checkIntervalMaxMs: number;
}

/** The system jobs' way to a card token by id (TokenService.findForRecordedCharge). */
export interface RecordedTokens {
  findForRecordedCharge(id: string): Promise<PaymentToken | null>;
}

export type SendOutcome = 'paid' | 'failed' | 'already_settled' | 'retried' | 'abandoned';
export type CheckOutcome = 'returned' | 'still_paid' | 'settled' | 'already_returned' | 'retried';

/**
 * Sends payouts to the processor and follows them: right after the commit that created one
 * (`sendSoon`), then, for a payout whose outcome is unknown (the processor unreachable, the process
 * gone), the pending worker asks again under the same payout id, so the processor pays it out at
 * most once. The return checker asks about paid payouts until `returnWindowMs` has passed, and
 * applies a late return. Every outcome goes through PayoutSettlement, which moves the money once.
 */
export class PayoutProcessing implements PayoutSender {
  private readonly pending: BatchWorker<Payout, SendOutcome>;
  private readonly paid: BatchWorker<Payout, CheckOutcome>;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    /** A payout goes to, and is followed at, the processor it was recorded with: its tenant's of that name. */
    private readonly processors: ProcessorChoice,
    private readonly payouts: PayoutRepository,
    private readonly tokens: RecordedTokens,
    private readonly settlement: PayoutSettlement,
    private readonly logger: Logger,
    private readonly options: PayoutProcessingOptions,
    metrics?: Metrics,
  ) {
    this.pending = new BatchWorker(
      {
        name: 'payout worker',
        outcomes: ['paid', 'failed', 'already_settled', 'retried', 'abandoned'],
        metric: metrics && { metrics, name: 'ocp_payouts_sent_total', help: 'Payout attempts at the processor, by outcome' },
        batchSize: options.batchSize,
        claim: (limit) => this.payouts.claimDue('pending', limit, options.leaseMs),
        handle: (p) => this.send(p),
        tenantOf: (item) => item.tenantId,
        describe: describePayout,
      },
      logger,
    );
    this.paid = new BatchWorker(
      {
        name: 'payout return checker',
        outcomes: ['returned', 'still_paid', 'settled', 'already_returned', 'retried'],
        metric: metrics && { metrics, name: 'ocp_payout_checks_total', help: 'Status checks of paid payouts, by outcome' },
        batchSize: options.batchSize,
        claim: (limit) => this.payouts.claimDue('paid', limit, options.leaseMs),
        handle: (p) => this.check(p),
        tenantOf: (item) => item.tenantId,
        describe: describePayout,
      },
      logger,
    );
  }

  sendSoon(payoutId: string): void {
    const attempt = this.payouts
      .claim(payoutId, 'pending', this.options.leaseMs)
      .then((payout) => (payout ? this.pending.work(payout) : undefined))
      .catch((error: unknown) => this.logger.error('payout attempt failed; the worker retries it', { payoutId, error }))
      .finally(() => this.inFlight.delete(attempt));
    this.inFlight.add(attempt);
  }

  /** One batch of pending payouts due again. Errors: only the claim query's. */
  sendDue(): Promise<BatchSummary<SendOutcome>> {
    return this.pending.runOnce();
  }

  /** One batch of paid payouts due for a return check. Errors: only the claim query's. */
  checkDue(): Promise<BatchSummary<CheckOutcome>> {
    return this.paid.runOnce();
  }

  start(intervalMs: number): void {
    this.pending.start(intervalMs);
    this.paid.start(intervalMs);
  }

  async stop(): Promise<void> {
    await Promise.all([this.pending.stop(), this.paid.stop()]);
    await this.idle();
  }

  /** Resolves when the attempts started after commits have finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  /** Throws only when the outcome could not be recorded. */
  private async send(p: Payout): Promise<SendOutcome> {
    const context = describePayout(p);
    const processor = await this.processors.named(p.tenantId, p.processor);
    if (!processor) return this.abandon(p, 'processor_mismatch', context);
    if (Date.now() - p.createdAt.getTime() > this.options.resubmitAgeMaxMs) return this.abandon(p, 'resubmit_window_passed', context);
    const destination = await this.destinationOf(p);
    let outcome: { processorPayoutId: string } | { failureCode: string };
    try {
      outcome = destination
        ? await processor.payout({
            payoutId: p.id,
            amount: p.amount,
            currency: p.currency,
            destination,
            description: `OCP payout ${p.id}`,
          })
        : { failureCode: 'destination_removed' };
    } catch (error) {
      if (!isRefusal(error)) return this.retryOrAbandon(p, reasonOf(error), context);
      outcome = { failureCode: (error.details as { failureCode?: string } | undefined)?.failureCode ?? error.code };
    }
    try {
      if ('failureCode' in outcome) {
        const applied = await this.settlement.failed(p, outcome.failureCode);
        return this.count(applied ? 'failed' : 'already_settled', { ...context, failureCode: outcome.failureCode });
      }
      const applied = await this.settlement.paid(p, outcome.processorPayoutId);
      return this.count(applied ? 'paid' : 'already_settled', context);
    } catch (error) {
      // The processor answered but the posting did not go (a frozen wallet, the database): asked
      // again later under the same id, the processor answers the same.
      return this.retryOrAbandon(p, reasonOf(error), context);
    }
  }

  private async check(p: Payout): Promise<CheckOutcome> {
    const context = describePayout(p);
    try {
      const processor = await this.processors.named(p.tenantId, p.processor);
      // Without it the question cannot be asked: checked again (retried below) until an operator looks.
      if (!processor)
        throw new Unavailable(`The card processor ${p.processor} is no longer set for this tenant`, 'processor_not_configured');
      const state = await processor.payoutState(p.processorPayoutId!);
      if (state.status === 'paid') {
        // Asked once more after the window, so a return reported at its end is not missed.
        if (!p.paidAt || Date.now() - p.paidAt.getTime() > this.options.returnWindowMs) {
          await this.payouts.stopAttempts(p, null);
          return this.count('settled', context);
        }
        await this.payouts.scheduleNext(p, this.checkDelayMs(p.attempts), null);
        return this.count('still_paid', context);
      }
      const applied = await this.settlement.returned(p, state.failureCode);
      return this.count(applied ? 'returned' : 'already_returned', { ...context, failureCode: state.failureCode });
    } catch (error) {
      // The processor unreachable, or a return that could not be posted yet (a frozen wallet):
      // checked again, past the window too, until the money is back.
      const delayMs = retryDelayMs(p.attempts, this.options.backoffBaseMs, this.options.backoffMaxMs);
      await this.payouts.scheduleNext(p, delayMs, reasonOf(error));
      return this.count('retried', { ...context, reason: reasonOf(error), delayMs });
    }
  }

  private async destinationOf(p: Payout): Promise<PayoutDestination | null> {
    if (p.destination.type === 'card') {
      const token = await this.tokens.findForRecordedCharge(p.destination.id);
      return token && { type: 'card', provider: token.provider, providerDestinationId: token.providerTokenId, last4: token.last4 };
    }
    const account = await this.payouts.findDestinationById(p.destination.id);
    return (
      account && {
        type: 'bank_account',
        provider: account.processor,
        providerDestinationId: account.processorDestinationId,
        last4: account.last4,
      }
    );
  }

  private async retryOrAbandon(p: Payout, reason: string, context: Record<string, unknown>): Promise<SendOutcome> {
    if (p.attempts >= this.options.attemptsMax) return this.abandon(p, reason, context);
    const delayMs = retryDelayMs(p.attempts, this.options.backoffBaseMs, this.options.backoffMaxMs);
    await this.payouts.scheduleNext(p, delayMs, reason);
    return this.count('retried', { ...context, reason, delayMs });
  }

  /** The payout stays pending with its money in transit: only an operator can tell what happened. */
  private async abandon(p: Payout, reason: string, context: Record<string, unknown>): Promise<SendOutcome> {
    await this.payouts.stopAttempts(p, reason);
    return this.count('abandoned', { ...context, reason });
  }

  /** Checks soon after the payout (a bank refuses within days), then up to checkIntervalMaxMs apart. */
  private checkDelayMs(checks: number): number {
    return Math.min(this.options.checkIntervalMaxMs, this.options.backoffBaseMs * 2 ** Math.min(checks, 30));
  }

  private count<O extends SendOutcome | CheckOutcome>(outcome: O, fields: Record<string, unknown>): O {
    const level = outcome === 'abandoned' ? 'error' : outcome === 'retried' ? 'warn' : 'info';
    const message =
      outcome === 'abandoned' ? 'payout left pending for an operator: its outcome at the processor is unknown' : `payout ${outcome}`;
    this.logger.log(level, message, fields);
    return outcome;
  }
}

/** The processor definitely did not send it: a payout failure, or any other 4xx it answered. */
function isRefusal(error: unknown): error is AppError {
  return isDefiniteFailure(error) || (error instanceof AppError && error.kind === 'unprocessable');
}

function reasonOf(error: unknown): string {
  return error instanceof AppError ? error.code : 'internal_error';
}

/** Ids and amounts only: the destination's processor id stays out of the logs. */
function describePayout(p: Payout) {
  return {
    payoutId: p.id,
    walletId: p.walletId,
    amount: p.amount.toString(),
    currency: p.currency,
    statusFound: p.status,
    attempt: p.attempts,
  };
}
