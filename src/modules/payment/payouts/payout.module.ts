import type { Config } from '../../../config/config';
import type { Database } from '../../../infra/db/database';
import type { Logger } from '../../../infra/logger';
import type { Metrics } from '../../../infra/metrics';
import { Unprocessable } from '../../../shared/errors';
import type { Outbox } from '../../../shared/outbox';
import type { LedgerService } from '../../ledger';
import type { TokenModule } from '../../token';
import type { WalletRepository } from '../../wallet';
import type { ProcessorChoice } from '../processor/tenant-processors';
import { SqlPayoutRepository } from './adapters/sql-payout.repository';
import { PayoutProcessing } from './payout-processing';
import { PayoutSettlement, PAYOUT_TRANSFER_TYPES } from './payout-settlement';
import { PayoutService } from './payout.service';

export interface PayoutModuleDeps {
  config: Config;
  db: Database;
  logger: Logger;
  ledger: LedgerService;
  wallets: WalletRepository;
  tokens: TokenModule;
  outbox: Outbox;
  /** The funding module's processors: a tenant's payouts and charges go through the same one. */
  processors: ProcessorChoice;
  metrics?: Metrics;
}

const HOUR_MS = 3_600_000;
// Unanswered payouts: retried from 30 s to at most an hour apart, 15 attempts (about 7 hours),
// then left to an operator. Never sent again after 23 hours: Stripe keeps an idempotency key 24.
const PAYOUT_BACKOFF_BASE_MS = 30_000;
const PAYOUT_BACKOFF_MAX_MS = HOUR_MS;
const PAYOUT_ATTEMPTS_MAX = 15;
const PAYOUT_RESUBMIT_AGE_MAX_MS = 23 * HOUR_MS;
const PAYOUT_BATCH_SIZE = 20;
// Banks return a payout within a few business days: checked for two weeks, at most every six hours.
const PAYOUT_RETURN_WINDOW_MS = 14 * 24 * HOUR_MS;
const PAYOUT_CHECK_INTERVAL_MAX_MS = 6 * HOUR_MS;

/** Payouts from wallets to users' cards and bank accounts, and the workers that follow them. */
export function createPayoutModule(deps: PayoutModuleDeps) {
  const { config, db, logger, ledger, wallets, tokens, outbox, processors, metrics } = deps;
  const repository = new SqlPayoutRepository(db);
  const settlement = new PayoutSettlement(ledger, repository, outbox);
  // Longer than the processor's slowest answer: every attempt timing out, plus the backoffs.
  const leaseMs = config.PROVIDER_TIMEOUT_MS * (config.PROVIDER_RETRIES_MAX + 1) * 2 + 30_000;
  const processing = new PayoutProcessing(
    processors,
    repository,
    tokens.service,
    settlement,
    logger,
    {
      leaseMs,
      batchSize: PAYOUT_BATCH_SIZE,
      backoffBaseMs: PAYOUT_BACKOFF_BASE_MS,
      backoffMaxMs: PAYOUT_BACKOFF_MAX_MS,
      attemptsMax: PAYOUT_ATTEMPTS_MAX,
      resubmitAgeMaxMs: PAYOUT_RESUBMIT_AGE_MAX_MS,
      returnWindowMs: PAYOUT_RETURN_WINDOW_MS,
      checkIntervalMaxMs: PAYOUT_CHECK_INTERVAL_MAX_MS,
    },
    metrics,
  );
  const limits = {
    dailyLimitMinor: (currency: string) => config.PAYOUT_DAILY_LIMITS?.get(currency) ?? config.PAYOUT_DAILY_LIMIT_MINOR,
  };
  const service = new PayoutService(wallets, tokens.service, repository, ledger, processors, settlement, processing, outbox, limits);
  // A payout's money moves by its own outcomes; a ledger refund of one of its transfers would move it twice.
  ledger.handleRefundsOf(PAYOUT_TRANSFER_TYPES, {
    record: async () => {
      throw new Unprocessable('not_refundable', 'A payout is reversed by its own outcome (failed or returned), not refunded');
    },
    settle: () => undefined,
  });
  return { service, processing, repository };
}

export type PayoutModule = ReturnType<typeof createPayoutModule>;
