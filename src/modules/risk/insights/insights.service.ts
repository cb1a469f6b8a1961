import type { Principal } from '../../../shared/principal';
import { assertWalletAccess, type WalletRepository } from '../../wallet';
import { firstDayBelow, project, recurringFlows, spendingByMonth, type HistoryEntry } from './insights';

/** The wallet's entries since a date, newest first, at most `limit`. Errors: only the database's. */
export interface InsightsHistory {
  entries(walletId: string, since: Date, limit: number): Promise<HistoryEntry[]>;
}

/** What insights need of the auto top-up (the payment module's AutoTopUpService). */
export interface EarlyTopUp {
  thresholdOf(walletId: string): Promise<bigint | null>;
  startEarly(walletId: string): void;
}

/** Insights read this far back, and this many entries at most (a busy wallet's last ones). */
const HISTORY_DAYS = 180;
const HISTORY_ENTRIES_MAX = 5_000;

export class InsightsService {
  constructor(
    private readonly wallets: WalletRepository,
    private readonly history: InsightsHistory,
    private readonly autoTopUp: EarlyTopUp,
    /** A forecast below the auto top-up threshold within this many days starts the top-up now. */
    private readonly lookaheadDays: number,
  ) {}

  /**
   * Spending by month, category and counterparty; recurring flows; the balance projected over 30
   * days from them; and, when the wallet has an auto top-up rule and the projection falls below its
   * threshold within lookaheadDays, the top-up started early (at most once a day).
   * Errors: wallet_not_found (404), also for another user's wallet.
   */
  async insights(principal: Principal, walletId: string, now = new Date()) {
    const wallet = assertWalletAccess(principal, await this.wallets.findById(walletId));
    const entries = await this.history.entries(wallet.id, new Date(now.getTime() - HISTORY_DAYS * 86_400_000), HISTORY_ENTRIES_MAX);
    const recurring = recurringFlows(entries);
    const projection = project(wallet.balance - wallet.held, recurring, now);
    const threshold = await this.autoTopUp.thresholdOf(wallet.id);
    const below = threshold === null ? null : firstDayBelow(projection, threshold, this.lookaheadDays);
    if (below) this.autoTopUp.startEarly(wallet.id);
    return {
      walletId: wallet.id,
      currency: wallet.currency,
      spending: spendingByMonth(entries),
      recurring,
      projection,
      lowBalance: {
        autoTopUpThreshold: threshold,
        lookaheadDays: this.lookaheadDays,
        belowThresholdOn: below?.date ?? null,
        earlyTopUpStarted: below !== null,
      },
    };
  }
}
