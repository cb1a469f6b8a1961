import type { Principal } from '../../shared/principal';
import { AppError, Forbidden, NotFound } from '../../shared/errors';
import { toPage, type Cursor, type Page } from '../../shared/pagination';
import { assertWalletAccess, type WalletRepository } from '../wallet';
import type { HistoryFilter, LedgerEntry, LedgerRepository } from './ledger.repository';

/**
 * Who acts on an entry. On the customers' routes an operator is a user like any other (`party`):
 * operators reach other people's money only through the admin routes, which check their own
 * permissions, apply the four-eyes rule and write the audit log (`operator`).
 */
export type EntryActor = 'party' | 'operator';

/** The ledger as a caller may read it: one entry, and pages of a wallet's history. */
export class LedgerHistory {
  constructor(
    private readonly ledger: Pick<LedgerRepository, 'findEntry' | 'listEntries' | 'listLatestEntries'>,
    private readonly wallets: Pick<WalletRepository, 'findById' | 'findManyByIds'>,
  ) {}

  /**
   * An entry of the caller's own wallets (any, for services, and for an operator acting through the
   * admin routes). `refund`: the caller means to send it back, which only its receiving side may.
   * Errors: transaction_not_found (404, also for someone else's), refund_receiver_only (403).
   */
  async entry(principal: Principal, entryId: string, { refund, by }: { refund: boolean; by: EntryActor }): Promise<LedgerEntry> {
    const entry = await this.ledger.findEntry(entryId);
    const privileged = by === 'operator' || principal.role === 'service';
    const owner = entry?.walletUserId === principal.sub;
    if (!entry || !(privileged || owner)) throw new NotFound('Transaction not found', 'transaction_not_found');
    // Only the receiving side of a transfer may send it back; operators and services may refund either side.
    // The sender sees their own record, so hiding it behind a 404 only confused them: say why instead.
    if (refund && !privileged && entry.amount < 0n) {
      throw new Forbidden(
        'Only the receiver of a payment can refund it; ask the receiver, or an operator through a refund request',
        'refund_receiver_only',
      );
    }
    return entry;
  }

  /** Errors: wallet_not_found (404). */
  async page(principal: Principal, walletId: string, filter: HistoryFilter, limit: number, after?: Cursor): Promise<Page<LedgerEntry>> {
    assertWalletAccess(principal, await this.wallets.findById(walletId));
    return toPage(await this.ledger.listEntries(walletId, filter, limit, after), limit);
  }

  /**
   * The first page of history of each wallet, read together (limit + 1 entries per wallet, as
   * `page` reads). A wallet the caller may not see, or that does not exist, gets wallet_not_found,
   * as `page` would answer it.
   */
  async firstPages(principal: Principal, walletIds: readonly string[], limit: number): Promise<Map<string, Page<LedgerEntry> | AppError>> {
    const found = new Map((await this.wallets.findManyByIds(walletIds)).map((w) => [w.id, w]));
    const pages = new Map<string, Page<LedgerEntry> | AppError>();
    const visible: string[] = [];
    for (const id of walletIds) {
      try {
        assertWalletAccess(principal, found.get(id) ?? null);
        visible.push(id);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        pages.set(id, error);
      }
    }
    const byWallet = new Map<string, LedgerEntry[]>(visible.map((id) => [id, []]));
    for (const entry of await this.ledger.listLatestEntries(visible, limit + 1)) byWallet.get(entry.walletId)?.push(entry);
    for (const [id, rows] of byWallet) pages.set(id, toPage(rows, limit));
    return pages;
  }
}
