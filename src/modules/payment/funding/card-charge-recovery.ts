import type { Logger } from '../../../infra/logger';
import type { Metrics } from '../../../infra/metrics';
import { BatchWorker, type BatchSummary } from '../../../infra/batch-worker';
import { AppError } from '../../../shared/errors';
import type { PaymentToken } from '../../token';
import { retryDelayMs } from '../../../shared/retry-delay';
import type { CardCharge, CardChargeRepository } from './card-charge.repository';
import type { ChargeAndCredit } from './charge-and-credit';

export interface CardChargeRecoveryOptions {
  /** A charge unchanged for this long has lost its request (crash, timeout): the sweeper takes it. */
  staleAfterMs: number;
  /** Longer than the slowest processor call plus the credit, so no other sweeper takes it mid-attempt. */
  leaseMs: number;
  batchSize: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** After this many attempts without an outcome, the charge goes to funding_reconciliation. */
  attemptsMax: number;
  /**
   * A pending charge older than this is not sent again: processors forget idempotency keys after a
   * while (Stripe: 24 hours), and a repeat after that could charge a second time.
   */
  resubmitAgeMaxMs: number;
}

/** The system jobs' way to the token a charge was recorded with (TokenService.findForRecordedCharge). */
export interface RecordedChargeTokens {
  findForRecordedCharge(id: string): Promise<PaymentToken | null>;
}

export type RecoveryOutcome = 'credited' | 'already_credited' | 'declined' | 'retried' | 'abandoned';
const OUTCOMES: readonly RecoveryOutcome[] = ['credited', 'already_credited', 'declined', 'retried', 'abandoned'];

/**
 * Finishes card charges whose request died between recording the charge and crediting the wallet
 * (a crash, a processor timeout with an unknown outcome): every charge still 'pending' or
 * 'succeeded' after staleAfterMs is leased, sent again to the processor under its own id (so a
 * charge that went through is answered, not made twice) and credited through ChargeAndCredit
 * (whose markCredited refuses a second credit, even against the original request racing).
 * A decline ends 'failed'; a processor still unavailable or a wallet that cannot be credited is
 * tried again with backoff, then recorded in funding_reconciliation for an operator.
 */
export class CardChargeRecovery {
  private readonly worker: BatchWorker<CardCharge, RecoveryOutcome>;

  constructor(
    private readonly charges: CardChargeRepository,
    private readonly tokens: RecordedChargeTokens,
    private readonly chargeAndCredit: ChargeAndCredit,
    private readonly logger: Logger,
    private readonly options: CardChargeRecoveryOptions,
    metrics?: Metrics,
  ) {
    this.worker = new BatchWorker(
      {
        name: 'card charge sweeper',
        outcomes: OUTCOMES,
        metric: metrics && {
          metrics,
          name: 'ocp_card_charge_recoveries_total',
          help: 'Card charges finished by the recovery sweeper, by outcome (credited, already_credited, declined, retried, abandoned)',
        },
        batchSize: options.batchSize,
        claim: (limit) => this.charges.claimStale(limit, options.staleAfterMs, options.leaseMs),
        // Taken again later, asked under the same id and credited at most once.
        handle: (charge) => this.recover(charge),
        tenantOf: (item) => item.tenantId,
        describe: describeCharge,
      },
      logger,
    );
  }

  /** One batch of stale charges. Errors: only the claim query's (a database outage). */
  runOnce(): Promise<BatchSummary<RecoveryOutcome>> {
    return this.worker.runOnce();
  }

  start(intervalMs: number): void {
    this.worker.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.worker.stop();
  }

  /** Throws only when the outcome could not be recorded. */
  private async recover(charge: CardCharge): Promise<RecoveryOutcome> {
    const context = describeCharge(charge);
    if (charge.status === 'pending') {
      if (!(await this.chargeAndCredit.processorOf(charge))) return this.abandon(charge, 'processor_mismatch', context);
      if (Date.now() - charge.createdAt.getTime() > this.options.resubmitAgeMaxMs)
        return this.abandon(charge, 'resubmit_window_passed', context);
    }
    const token = await this.tokens.findForRecordedCharge(charge.tokenId);
    if (!token) return this.abandon(charge, 'token_not_found', context);
    try {
      const posted = await this.chargeAndCredit.run(charge, token, charge.scope);
      return this.count('credited', { ...context, transferId: posted.transfer.id });
    } catch (error) {
      return await this.afterFailure(charge, error, context);
    }
  }

  /** What the failed attempt left: another credited it, a decline, or something to try again. */
  private async afterFailure(charge: CardCharge, error: unknown, context: Record<string, unknown>): Promise<RecoveryOutcome> {
    const now = await this.charges.findById(charge.id);
    if (now?.status === 'credited') return this.count('already_credited', { ...context, transferId: now.transferId });
    if (now?.status === 'failed') return this.count('declined', { ...context, reason: now.failureCode });
    const reason = error instanceof AppError ? error.code : 'internal_error';
    // Still pending after a refusal that is not a decline (a 4xx): asking again will not change it.
    const refused = now?.status === 'pending' && error instanceof AppError && error.kind === 'unprocessable';
    if (refused || charge.recoveryAttempts >= this.options.attemptsMax) return this.abandon(charge, reason, context);
    // Processor unreachable (pending), or charged but not creditable (succeeded: ChargeAndCredit has
    // recorded it in funding_reconciliation, and a later credit resolves it).
    const delayMs = retryDelayMs(charge.recoveryAttempts, this.options.backoffBaseMs, this.options.backoffMaxMs);
    await this.charges.scheduleRecovery(charge.id, charge.recoveryAttempts, delayMs);
    return this.count('retried', { ...context, statusNow: now?.status, reason, delayMs });
  }

  private async abandon(charge: CardCharge, reason: string, context: Record<string, unknown>): Promise<RecoveryOutcome> {
    await this.charges.recordForReconciliation(charge.id, reason);
    await this.charges.abandonRecovery(charge.id, charge.recoveryAttempts);
    return this.count('abandoned', { ...context, reason });
  }

  private count(outcome: RecoveryOutcome, fields: Record<string, unknown>): RecoveryOutcome {
    const level = outcome === 'abandoned' ? 'error' : outcome === 'retried' ? 'warn' : 'info';
    const message =
      outcome === 'abandoned'
        ? 'card charge recovery gave up: recorded in funding_reconciliation for an operator'
        : `card charge recovery: ${outcome}`;
    this.logger.log(level, message, fields);
    return outcome;
  }
}

/** Ids and amounts only: the token and the card stay out of the logs. */
function describeCharge(charge: CardCharge) {
  return {
    chargeId: charge.id,
    walletId: charge.walletId,
    purpose: charge.purpose,
    amount: charge.amount.toString(),
    currency: charge.currency,
    statusFound: charge.status,
    attempt: charge.recoveryAttempts,
  };
}
