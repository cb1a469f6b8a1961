import type { Principal } from '../../shared/principal';
import { ValidationFailed } from '../../shared/errors';
import { assertWalletAccess, type WalletRepository } from '../wallet';
import type { BalanceHistoryRepository, StatementEntry } from './balance-history.repository';

/** Entries per statement page: bounds the work and the reply of one request. */
export const STATEMENT_PAGE_MAX = 500;
export const STATEMENT_PAGE_DEFAULT = 100;

export interface BalanceAt {
  walletId: string;
  currency: string;
  balance: bigint;
  at: Date;
}

export interface StatementRequest {
  from: Date;
  /** Defaults to now. */
  to?: Date;
  limit: number;
  /** The cursor: the last entry of the page before. */
  afterEntryId?: string;
}

export interface Statement {
  walletId: string;
  currency: string;
  from: Date;
  to: Date;
  /** The balance before the first entry stamped `from` or later. */
  openingBalance: bigint;
  /** The balance after the last entry stamped before `to`: opening plus every entry of the window. */
  closingBalance: bigint;
  /** This page's entries, oldest first, each with the balance it left. */
  entries: StatementEntry[];
  /** The last entry of this page when another follows (the next page's cursor); absent on the last page. */
  next?: string;
}

// created_at is kept to the millisecond (migration 0090), so "at or before t" is "before t + 1 ms".
const MS = 1;

/**
 * Balances at a point in time and statements, answered from the ledger's entries (each carries
 * the balance it left), never by replaying a wallet's history: the cost does not grow with age.
 * Times in the future are refused: entries may still be posted there, so the answer would change.
 */
export class BalanceHistoryService {
  constructor(
    private readonly wallets: WalletRepository,
    private readonly history: BalanceHistoryRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * The balance after every entry stamped at or before `at` (0 before the first); the current
   * balance without `at`. Same access rule as reading the wallet.
   * Errors: wallet_not_found (404), validation_failed (400) for a time in the future.
   */
  async balanceAt(principal: Principal, walletId: string, at?: Date): Promise<BalanceAt> {
    const wallet = assertWalletAccess(principal, await this.wallets.findById(walletId));
    if (!at) return { walletId, currency: wallet.currency, balance: wallet.balance, at: this.now() };
    this.refuseFuture('query.at', at);
    const balance = await this.history.balanceBefore(walletId, new Date(at.getTime() + MS));
    return { walletId, currency: wallet.currency, balance, at };
  }

  /**
   * The entries of [from, to) in posting order, one page at a time, with the opening and closing
   * balances of the whole window on every page.
   * Errors: wallet_not_found (404), validation_failed (400) when `to` is in the future or not after `from`,
   * or when the cursor names no entry of this wallet.
   */
  async statement(principal: Principal, walletId: string, request: StatementRequest): Promise<Statement> {
    const wallet = assertWalletAccess(principal, await this.wallets.findById(walletId));
    const to = request.to ?? this.now();
    this.refuseFuture('query.to', to);
    if (to.getTime() <= request.from.getTime()) throw invalid('query.to', 'must be after from');
    const after = request.afterEntryId === undefined ? undefined : await this.history.positionOf(walletId, request.afterEntryId);
    if (after === null) throw invalid('query.cursor', 'is not a valid cursor');
    const [openingBalance, closingBalance, rows] = await Promise.all([
      this.history.balanceBefore(walletId, request.from),
      this.history.balanceBefore(walletId, to),
      this.history.entriesBetween(walletId, request.from, to, request.limit + 1, after),
    ]);
    const entries = rows.slice(0, request.limit);
    const last = entries[entries.length - 1];
    const next = rows.length > request.limit && last ? last.id : undefined;
    return {
      walletId,
      currency: wallet.currency,
      from: request.from,
      to,
      openingBalance,
      closingBalance,
      entries,
      ...(next ? { next } : {}),
    };
  }

  private refuseFuture(field: string, instant: Date): void {
    if (instant.getTime() > this.now().getTime()) throw invalid(field, 'must not be in the future');
  }
}

function invalid(field: string, message: string): ValidationFailed {
  return new ValidationFailed(`Invalid request: ${field}: ${message}`, { fields: [{ field, message }] });
}
