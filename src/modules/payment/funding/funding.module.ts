import type { Config } from '../../../config/config';
import type { Cache } from '../../../infra/cache/cache';
import type { Database } from '../../../infra/db/database';
import type { Logger } from '../../../infra/logger';
import type { LedgerService } from '../../ledger';
import type { Outbox } from '../../../shared/outbox';
import type { EventBus } from '../../../shared/events';
import { SqlAutoTopUpRepository } from './adapters/sql-auto-top-up.repository';
import { AutoTopUpService } from './auto-top-up.service';
import type { TokenModule } from '../../token';
import type { WalletRepository } from '../../wallet';
import { createPaymentProcessor, createStripeProcessor } from '../processor/processor.module';
import { SandboxProcessor } from '../processor/sandbox.processor';
import { TenantProcessors } from '../processor/tenant-processors';
import type { TenantConfiguration } from '../../../shared/tenant-settings';
import { SqlCardChargeRepository } from './adapters/sql-card-charge.repository';
import { CardFundingService } from './card-funding.service';
import type { Metrics } from '../../../infra/metrics';
import { createPaymentMetrics } from '../payment.metrics';
import { ChargeAndCredit, MeteredChargeAndCredit } from './charge-and-credit';
import { SqlCardRefundRepository } from './adapters/sql-card-refund.repository';
import type { ChargePurpose } from './card-charge.repository';
import { CardRefunds } from './card-refunds';
import { CardChargeRecovery } from './card-charge-recovery';

export interface FundingModuleDeps {
  config: Config;
  db: Database;
  cache: Cache;
  logger: Logger;
  ledger: LedgerService;
  wallets: WalletRepository;
  tokens: TokenModule;
  outbox: Outbox;
  events: EventBus;
  /** When given, every charge's outcome is counted (ocp_payments_total). */
  metrics?: Metrics;
  /** Each tenant's processor choice (settings payments) and its credentials. */
  tenants: TenantConfiguration;
}

// A top-up whose process died releases its claim after this long.
const TOP_UP_CLAIM_STALE_AFTER_MS = 5 * 60_000;
// Card refunds: retried from 30 s to at most an hour apart, about a day in all, then failed for
// an operator.
const CARD_REFUND_BACKOFF_BASE_MS = 30_000;
const CARD_REFUND_BACKOFF_MAX_MS = 3_600_000;
const CARD_REFUND_ATTEMPTS_MAX = 30;
const CARD_REFUND_BATCH_SIZE = 20;
// Charge recovery: retried from a minute to at most an hour apart, 15 attempts (about 7 hours),
// then left to an operator in funding_reconciliation. A pending charge is never sent again after
// 23 hours: Stripe keeps an idempotency key for at least 24.
const CHARGE_RECOVERY_BACKOFF_BASE_MS = 60_000;
const CHARGE_RECOVERY_BACKOFF_MAX_MS = 3_600_000;
const CHARGE_RECOVERY_ATTEMPTS_MAX = 15;
const CHARGE_RECOVERY_BATCH_SIZE = 20;
const CHARGE_RESUBMIT_AGE_MAX_MS = 23 * 3_600_000;
/** The types of transfer that ChargeAndCredit posts: their refunds owe the card. */
const CARD_FUNDED_TYPES: readonly ChargePurpose[] = ['card_funding', 'auto_top_up', 'apple_pay', 'google_pay'];

/**
 * The processor picked by PAYMENT_PROCESSOR, each tenant's own where it picks one (`processors`),
 * and the services that charge cards into wallets.
 */
export function createFundingModule(deps: FundingModuleDeps) {
  const { config, db, cache, logger, ledger, wallets, tokens, outbox, events, metrics, tenants } = deps;
  const processor = createPaymentProcessor(config);
  const processors = new TenantProcessors(tenants, {
    environment: processor,
    sandbox: processor instanceof SandboxProcessor ? processor : new SandboxProcessor(),
    stripe: (secretKey) => createStripeProcessor(config, secretKey),
  });
  const charges = new SqlCardChargeRepository(db);
  const chargeAndCredit = metrics
    ? new MeteredChargeAndCredit(processors, charges, ledger, logger, createPaymentMetrics(metrics))
    : new ChargeAndCredit(processors, charges, ledger, logger);
  const cardFunding = new CardFundingService(wallets, tokens.service, charges, chargeAndCredit);
  const autoTopUp = new AutoTopUpService(
    db,
    new SqlAutoTopUpRepository(db),
    cache,
    wallets,
    tokens.service,
    charges,
    chargeAndCredit,
    outbox,
    events,
    logger,
    {
      failuresMax: config.AUTO_TOP_UP_FAILURES_MAX,
      claimStaleAfterMs: TOP_UP_CLAIM_STALE_AFTER_MS,
    },
  );
  autoTopUp.subscribe();
  // Longer than the processor's slowest answer: every attempt timing out, plus the backoffs.
  const processorLeaseMs = config.PROVIDER_TIMEOUT_MS * (config.PROVIDER_RETRIES_MAX + 1) * 2 + 30_000;
  const cardRefunds = new CardRefunds(
    processors,
    new SqlCardRefundRepository(db),
    logger,
    {
      leaseMs: processorLeaseMs,
      batchSize: CARD_REFUND_BATCH_SIZE,
      backoffBaseMs: CARD_REFUND_BACKOFF_BASE_MS,
      backoffMaxMs: CARD_REFUND_BACKOFF_MAX_MS,
      attemptsMax: CARD_REFUND_ATTEMPTS_MAX,
    },
    metrics,
  );
  ledger.handleRefundsOf(CARD_FUNDED_TYPES, cardRefunds);
  // Unmetered: ocp_payments_total counts requests; the sweeper counts its own outcomes.
  const chargeRecovery = new CardChargeRecovery(
    charges,
    tokens.service,
    new ChargeAndCredit(processors, charges, ledger, logger),
    logger,
    {
      staleAfterMs: config.CARD_CHARGE_STALE_AFTER_MS,
      leaseMs: processorLeaseMs,
      batchSize: CHARGE_RECOVERY_BATCH_SIZE,
      backoffBaseMs: CHARGE_RECOVERY_BACKOFF_BASE_MS,
      backoffMaxMs: CHARGE_RECOVERY_BACKOFF_MAX_MS,
      attemptsMax: CHARGE_RECOVERY_ATTEMPTS_MAX,
      resubmitAgeMaxMs: CHARGE_RESUBMIT_AGE_MAX_MS,
    },
    metrics,
  );
  return { processor, processors, charges, chargeAndCredit, cardFunding, autoTopUp, cardRefunds, chargeRecovery };
}

export type FundingModule = ReturnType<typeof createFundingModule>;
