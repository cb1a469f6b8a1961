import type { Cache } from '../../../infra/cache/cache';
import { newId } from '../../../infra/crypto/ids';
import type { TransactionRunner } from '../../../shared/transaction';
import type { Logger } from '../../../infra/logger';
import type { Principal } from '../../../shared/principal';
import { AppError, NotFound, Unprocessable } from '../../../shared/errors';
import { newEvent, type EventBus } from '../../../shared/events';
import type { TransferPosted } from '../../ledger';
import type { Outbox } from '../../../shared/outbox';
import type { TokenService } from '../../token';
import { assertWalletAccess, type WalletRepository } from '../../wallet';
import type { AutoTopUpRepository, AutoTopUpSettings, ClaimedTopUp, TopUpOutcome } from './auto-top-up.repository';
import type { CardChargeRepository } from './card-charge.repository';
import type { ChargeAndCredit } from './charge-and-credit';

export interface AutoTopUpRule {
  enabled: boolean;
  threshold: bigint;
  amount: bigint;
  tokenId: string;
}

export interface AutoTopUpOptions {
  /** Consecutive failed top-ups after which the rule disables itself. */
  failuresMax: number;
  /** A claim older than this belongs to a process that died: another may take it over. */
  claimStaleAfterMs: number;
}

const INITIATOR = 'system:auto_top_up';
// How long a wallet's rule (or its absence) is remembered before the database is asked again.
const RULE_CACHE_TTL_MS = 60_000;

/**
 * Auto top-up. After a debit (transfer.posted, in process, after commit) that leaves the balance
 * below the wallet's threshold, one conditional UPDATE claims the wallet's top-up only if the
 * balance is still below and no top-up is running, so concurrent debits start one charge, not one
 * each. The threshold is read through the cache, so debits of wallets without a rule cost no query;
 * saving a rule forgets the cached one (on every instance when the cache is Redis, else within
 * RULE_CACHE_TTL_MS). The outcome is recorded; repeated
 * failures disable the rule and tell the owner (auto_top_up.disabled, through the outbox).
 */
/** An early top-up runs only if no top-up of the wallet ran in this long. */
const EARLY_QUIET_MS = 86_400_000;

export class AutoTopUpService {
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    private readonly db: TransactionRunner,
    private readonly settings: AutoTopUpRepository,
    private readonly cache: Cache,
    private readonly wallets: WalletRepository,
    private readonly tokens: TokenService,
    private readonly charges: CardChargeRepository,
    private readonly chargeAndCredit: ChargeAndCredit,
    private readonly outbox: Outbox,
    private readonly events: EventBus,
    private readonly logger: Logger,
    private readonly options: AutoTopUpOptions,
  ) {}

  /** Runs a check after every posting that debited a user wallet below its rule's threshold. */
  subscribe(): void {
    this.events.subscribe('transfer.posted', (event) => {
      const posted = event.data as unknown as TransferPosted;
      if (posted.fromUserWallet) this.schedule(posted.fromWalletId, BigInt(posted.fromBalance));
    });
  }

  /**
   * Sets the wallet's rule. The token must be one the caller may charge for this wallet.
   * Errors: wallet_not_found (404), token_not_found (404), token_invalid (422).
   */
  async configure(principal: Principal, walletId: string, rule: AutoTopUpRule): Promise<AutoTopUpSettings> {
    const wallet = assertWalletAccess(principal, await this.wallets.findById(walletId));
    const owners = principal.role === 'service' ? [principal.sub, wallet.userId] : [principal.sub];
    const token = await this.tokens.findOwnedByAny(owners, rule.tokenId);
    if (!token) throw new NotFound('Token not found', 'token_not_found');
    const validity = await this.tokens.validate(token);
    if (!validity.valid)
      throw new Unprocessable('token_invalid', `The token cannot be charged (${validity.reason})`, { reason: validity.reason });
    const saved = await this.settings.upsert({ walletId, configuredBy: principal.sub, ...rule });
    await this.cache.delete(this.ruleKey(walletId));
    this.schedule(walletId); // the balance may already be below the new threshold
    return saved;
  }

  /** Errors: wallet_not_found (404), auto_top_up_not_configured (404). */
  async get(principal: Principal, walletId: string): Promise<AutoTopUpSettings> {
    assertWalletAccess(principal, await this.wallets.findById(walletId));
    const settings = await this.settings.find(walletId);
    if (!settings) throw new NotFound('Auto top-up is not configured for this wallet', 'auto_top_up_not_configured');
    return settings;
  }

  /** Resolves when every top-up started so far has finished (tests, graceful shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /** The threshold of the wallet's enabled rule, or null when it has none (read through the cache). */
  thresholdOf(walletId: string): Promise<bigint | null> {
    return this.ruleThreshold(walletId);
  }

  /**
   * Starts the wallet's top-up before its balance falls below the threshold, because a forecast
   * says it will (GET /wallets/:id/insights). Same claim, charge and records as a due top-up; at
   * most one top-up per EARLY_QUIET_MS, however often the forecast is asked. Never throws.
   */
  startEarly(walletId: string): void {
    const run = this.runClaimed(() => this.settings.claimEarly(walletId, this.options.claimStaleAfterMs, EARLY_QUIET_MS))
      .catch((error: unknown) => this.logger.error('early auto top-up failed', { walletId, error }))
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /** Claims and runs the wallet's top-up if it is due. Never throws: the outcome is recorded. */
  async runIfDue(walletId: string): Promise<TopUpOutcome | null> {
    return this.runClaimed(() => this.settings.claim(walletId, this.options.claimStaleAfterMs));
  }

  private async runClaimed(claim: () => Promise<ClaimedTopUp | null>): Promise<TopUpOutcome | null> {
    const claimed = await claim();
    if (!claimed) return null;
    const walletId = claimed.settings.walletId;
    const outcome = await this.topUp(claimed);
    const disabledEvent = this.disabledEvent(claimed, outcome);
    const { disabled } = await this.db.transaction(async (tx) => {
      const result = await this.settings.finish(tx, outcome, this.options.failuresMax);
      if (result.disabled) await this.outbox.enqueue(tx, [disabledEvent]);
      return result;
    });
    if (disabled) {
      await this.cache.delete(this.ruleKey(walletId));
      this.events.publish([disabledEvent]);
      this.logger.warn('auto top-up disabled after repeated failures', { walletId, failureCode: outcome.failureCode });
    }
    return outcome;
  }

  /** Without a balance, runs the claim; with the balance a debit left, only when it is below the rule's threshold. */
  private schedule(walletId: string, balanceAfterDebit?: bigint): void {
    const run = this.runIfBelowThreshold(walletId, balanceAfterDebit)
      .catch((error: unknown) => this.logger.error('auto top-up check failed', { walletId, error }))
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }

  private async runIfBelowThreshold(walletId: string, balance: bigint | undefined): Promise<TopUpOutcome | null> {
    if (balance !== undefined) {
      const threshold = await this.ruleThreshold(walletId);
      if (threshold === null || balance >= threshold) return null;
    }
    return this.runIfDue(walletId);
  }

  /** The threshold of the wallet's enabled rule, or null when it has none. */
  private async ruleThreshold(walletId: string): Promise<bigint | null> {
    const key = this.ruleKey(walletId);
    const cached = await this.cache.get(key);
    if (cached !== null) return cached === '' ? null : BigInt(cached);
    const settings = await this.settings.find(walletId);
    const threshold = settings?.enabled ? settings.threshold : null;
    await this.cache.set(key, threshold?.toString() ?? '', RULE_CACHE_TTL_MS);
    return threshold;
  }

  private ruleKey(walletId: string): string {
    return `auto-top-up:threshold:${walletId}`;
  }

  private async topUp({ settings, walletUserId, currency, balance }: ClaimedTopUp): Promise<TopUpOutcome> {
    const attemptId = newId('atu');
    const base = { attemptId, walletId: settings.walletId, amount: settings.amount, balanceBefore: balance };
    const token = await this.tokens.findOwnedByAny([walletUserId, settings.configuredBy], settings.tokenId);
    if (!token) return { ...base, chargeId: null, status: 'failed', failureCode: 'token_not_found', transferId: null };
    let processor: string;
    try {
      processor = await this.chargeAndCredit.processorName();
    } catch (error) {
      // The tenant's processor has no credentials: nothing is charged, and the attempt says why.
      if (!(error instanceof AppError)) throw error;
      return { ...base, chargeId: null, status: 'failed', failureCode: error.code, transferId: null };
    }
    const { charge } = await this.charges.claim({
      id: newId('chg'),
      scope: INITIATOR,
      idempotencyKey: attemptId,
      purpose: 'auto_top_up',
      walletId: settings.walletId,
      tokenId: token.id,
      amount: settings.amount,
      currency,
      processor,
    });
    try {
      const posted = await this.chargeAndCredit.run(charge, token, INITIATOR);
      return { ...base, chargeId: charge.id, status: 'succeeded', failureCode: null, transferId: posted.transfer.id };
    } catch (error) {
      const code = error instanceof AppError ? error.code : 'internal_error';
      const decline = error instanceof AppError ? (error.details as { declineCode?: string } | undefined)?.declineCode : undefined;
      if (!(error instanceof AppError)) this.logger.error('auto top-up failed', { walletId: settings.walletId, error });
      return { ...base, chargeId: charge.id, status: 'failed', failureCode: decline ? `${code}:${decline}` : code, transferId: null };
    }
  }

  private disabledEvent({ settings, walletUserId }: ClaimedTopUp, outcome: TopUpOutcome) {
    return newEvent('auto_top_up.disabled', walletUserId, {
      walletId: settings.walletId,
      consecutiveFailures: this.options.failuresMax,
      lastFailureCode: outcome.failureCode,
    });
  }
}
