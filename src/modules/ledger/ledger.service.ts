import type { TransactionRunner } from '../../shared/transaction';
import type { Principal } from '../../shared/principal';
import { NotFound, ValidationFailed, type AppError } from '../../shared/errors';
import type { EventBus } from '../../shared/events';
import { BALANCE_SOFT_MAX_MINOR } from '../../shared/money/money';
import type { Cursor, Page } from '../../shared/pagination';
import { assertWalletAccess, type WalletDirectory, type WalletMeta, type WalletRepository } from '../wallet';
import type { HistoryFilter, LedgerEntry, LedgerRepository } from './ledger.repository';
import type { Outbox } from '../../shared/outbox';
import { PostingQueue } from './posting-queue';
import { amountOutOfRange, refusalError } from './ledger.refusals';
import { MultiLegTransactions } from './multi-leg.service';
import { MovementScreening } from './movement-screening';
import { SystemAccounts } from './system-accounts';
import { LedgerHistory } from './ledger-history';
import { Refunds } from './refunds';
import { TransferPoster } from './transfer-poster';
import type { TransferRecords } from './transfer-records.repository';
import type {
  ExternalCredit,
  ExternalRefundHandler,
  HeldForReview,
  Movement,
  MovementScreen,
  PostedTransfer,
  PostingOptions,
  PostVerdict,
  TransferRequest,
} from './ledger.types';

export class LedgerService {
  private readonly postings: PostingQueue;
  private readonly poster: TransferPoster;
  private readonly screening: MovementScreening;
  private readonly systemAccounts: SystemAccounts;
  private readonly reads: LedgerHistory;
  private readonly refunds: Refunds;
  /** Multi-leg transactions and the caller-wide transfer list, on the same posting queue. */
  readonly multiLeg: MultiLegTransactions;

  constructor(
    db: TransactionRunner,
    private readonly ledger: LedgerRepository,
    private readonly wallets: WalletRepository,
    private readonly directory: WalletDirectory,
    outbox: Outbox,
    events: EventBus,
    records: TransferRecords,
  ) {
    this.postings = new PostingQueue(db, ledger, outbox);
    this.poster = new TransferPoster(this.postings, events);
    this.screening = new MovementScreening(db);
    this.systemAccounts = new SystemAccounts(ledger);
    this.reads = new LedgerHistory(ledger, wallets);
    this.refunds = new Refunds(ledger, directory, this.reads, this.screening, this.poster);
    this.multiLeg = new MultiLegTransactions(this.postings, directory, records, events, () => this.screening.screen);
  }

  /**
   * Every movement of a user wallet's money is screened by `screen` before it posts: transfers,
   * agent payments, multi-leg legs, payouts, credits, refunds, adjustments (and holds, by HoldService).
   */
  screenMovementsWith(screen: MovementScreen): void {
    this.screening.use(screen);
  }

  /**
   * Screens a movement before the money is taken or reserved elsewhere (a card credit before the
   * charge, a hold before it is created): the verdict's `post` stores the score with it. Undefined
   * when no screen is registered. Errors: risk_refused (422).
   */
  screenAhead(movement: Omit<Movement, 'onHeld'>): Promise<PostVerdict | undefined> {
    return this.screening.ahead(movement);
  }

  /** Postings waiting for a lane of the posting queue (the `ocp_posting_queue_waiting` gauge). */
  get postingsWaiting(): number {
    return this.postings.waiting;
  }

  /**
   * Moves money between two user wallets: the caller must own the source (or be a service).
   * Screened first: with options.onHeld, a risky one is held for review instead (HeldForReview).
   * Errors: same_wallet (400), currency_mismatch (400), wallet_not_found (404),
   * wallet_not_active (409), insufficient_funds (422), amount_out_of_range (422), risk_refused (422).
   */
  async transfer(principal: Principal, request: TransferRequest, options: PostingOptions = {}): Promise<PostedTransfer | HeldForReview> {
    return this.transferFrom((from) => assertWalletAccess(principal, from), principal.sub, request, options);
  }

  /**
   * A transfer the system makes for the owner of the source wallet, already authorised by the
   * caller's own rules (an agent's policy, from the wallet it is bound to); the source must still
   * belong to that owner. Errors: as transfer.
   */
  async transferForOwner(ownerId: string, request: TransferRequest, options: PostingOptions = {}) {
    const ownedBy = (from: WalletMeta | undefined): WalletMeta => {
      if (!from || from.userId !== ownerId) throw new NotFound('Wallet not found', 'wallet_not_found');
      return from;
    };
    const { onHeld: _never, ...unreviewed } = options;
    const result = await this.transferFrom(ownedBy, ownerId, request, unreviewed);
    // Without onHeld the screen never holds: it allows or refuses.
    if ('holdId' in result) throw new Error('a movement without onHeld was held for review');
    return result;
  }

  private async transferFrom(
    authorise: (from: WalletMeta | undefined) => WalletMeta,
    initiatedBy: string,
    request: TransferRequest,
    options: PostingOptions,
  ) {
    const { fromWalletId, toWalletId, amount } = request;
    if (fromWalletId === toWalletId) {
      throw new ValidationFailed('The source and destination wallets must differ', undefined, 'same_wallet');
    }
    const found = await this.directory.lookup([fromWalletId, toWalletId]);
    const from = authorise(found.get(fromWalletId));
    const to = found.get(toWalletId);
    if (!to) throw new NotFound('Destination wallet not found', 'wallet_not_found');
    if (to.currency !== from.currency || (request.currency && request.currency !== from.currency)) {
      throw refusalError('currency_mismatch');
    }
    const screened = await this.screening.screened(
      {
        kind: options.type === 'agent_payment' || options.type === 'hold_capture' ? options.type : 'transfer',
        ...(options.type === 'hold_capture' && typeof options.metadata?.holdId === 'string' ? { holdId: options.metadata.holdId } : {}),
        fromWalletId: from.id,
        toWalletId: to.id,
        amount,
        currency: from.currency,
        initiatedBy,
      },
      options,
    );
    if ('holdId' in screened) return screened;
    // Status and funds are checked by the posting itself, under the row locks.
    return this.poster.post(
      {
        type: 'transfer',
        from: from.id,
        to: to.id,
        amount,
        currency: from.currency,
        description: request.description ?? null,
        initiatedBy,
      },
      found,
      screened,
    );
  }

  /**
   * An operator's credit (positive) or debit (negative) of a user wallet against the adjustments
   * system account, recording who and why.
   * Errors: wallet_not_found (404), wallet_not_active (409), insufficient_funds (422),
   * amount_out_of_range (422).
   */
  async adjust(adminId: string, walletId: string, signedAmount: bigint, reason: string, options: PostingOptions = {}) {
    return this.postAgainstSystem(
      'adjustments',
      walletId,
      signedAmount,
      { type: 'adjustment', description: reason, initiatedBy: adminId },
      options,
      // An operator's (four-eyes beyond the threshold): scored, never refused.
      'adjustment',
    );
  }

  /**
   * Credits a user wallet with money that came from outside (a charge that succeeded), against the
   * source's system account. `screened`: the verdict of `screenAhead` before the money was taken
   * (a card charge), stored with the credit; without it the credit is scored now, never refused
   * (the money is in already: a payout that came back). Errors: wallet_not_found (404), wallet_not_active (409).
   */
  async credit(credit: ExternalCredit, options: PostingOptions = {}, screened?: PostVerdict) {
    const { walletId, amount, source, description, initiatedBy } = credit;
    const p = { type: source, description, initiatedBy };
    if (screened) return this.postAgainstSystem(source, walletId, amount, p, this.screening.recording(screened, options));
    return this.postAgainstSystem(source, walletId, amount, p, options, 'credit');
  }

  /**
   * Debits a user wallet into a system account, for money that leaves the ledger (a payout into
   * payouts_in_transit), screened first. Errors: wallet_not_found (404), wallet_not_active (409),
   * insufficient_funds (422), amount_out_of_range (422), risk_refused (422).
   */
  async debitToSystem(debit: Omit<ExternalCredit, 'source'> & { account: string }, options: PostingOptions = {}) {
    const { walletId, amount, account, description, initiatedBy } = debit;
    const wallet = await this.wallets.findById(walletId);
    const screened = wallet
      ? await this.screening.unreviewed(
          { kind: 'payout', fromWalletId: walletId, toWalletId: null, amount, currency: wallet.currency, initiatedBy },
          options,
        )
      : options;
    return this.postAgainstSystem(account, walletId, -amount, { type: account, description, initiatedBy }, screened);
  }

  /**
   * Moves money between two of the system's own accounts (payouts_in_transit to payouts_settled),
   * so each account's balance keeps saying where the money is. No user wallet, so no user event.
   * Errors: amount_out_of_range (422).
   */
  async moveBetweenSystemAccounts(
    move: { from: string; to: string; currency: string; amount: bigint; description: string; initiatedBy: string },
    options: PostingOptions = {},
  ) {
    const [from, to] = await Promise.all([
      this.systemAccounts.anyShard(move.from, move.currency),
      this.systemAccounts.anyShard(move.to, move.currency),
    ]);
    return this.poster.post({ ...move, type: move.to, from, to }, new Map(), options);
  }

  /**
   * Errors: wallet_not_found (404), wallet_not_active (409), insufficient_funds (422) for a debit.
   * `screenAs`: screened as this kind of movement (never refused) after those checks.
   */
  private async postAgainstSystem(
    account: string,
    walletId: string,
    signedAmount: bigint,
    p: { type: string; description: string; initiatedBy: string },
    options: PostingOptions,
    screenAs?: 'adjustment' | 'credit',
  ) {
    const wallet = await this.wallets.findById(walletId);
    if (!wallet) throw new NotFound('Wallet not found', 'wallet_not_found');
    const amount = signedAmount < 0n ? -signedAmount : signedAmount;
    if (wallet.status !== 'active') throw refusalError('wallet_not_active');
    // Held money is not available (the posting checks it again under the lock).
    if (signedAmount < 0n && wallet.balance - wallet.held < amount) throw refusalError('insufficient_funds');
    const screened = screenAs
      ? await this.screening.unreviewed(
          {
            kind: screenAs,
            fromWalletId: wallet.id,
            toWalletId: null,
            ...(signedAmount >= 0n ? { inbound: true } : {}),
            amount,
            currency: wallet.currency,
            initiatedBy: p.initiatedBy,
          },
          options,
        )
      : options;
    const system = await this.systemAccounts.anyShard(account, wallet.currency);
    const [from, to] = signedAmount < 0n ? [wallet.id, system] : [system, wallet.id];
    return this.poster.post({ ...p, from, to, amount, currency: wallet.currency }, new Map([[wallet.id, wallet]]), screened);
  }

  /**
   * Before money is taken from outside (a card charge) for `credit`: refuses if the credit would
   * take the wallet, or any shard of the source's system account, past ±BALANCE_SOFT_MAX_MINOR.
   * Checked without locks on purpose: the headroom above the soft maximum absorbs the credits of
   * charges that passed this check at the same time, so the credit owed for a charge is never
   * refused for range. Errors: wallet_not_found (404), amount_out_of_range (422).
   */
  async assertRoomForCredit(credit: Pick<ExternalCredit, 'walletId' | 'amount' | 'source'>): Promise<void> {
    const wallet = await this.wallets.findById(credit.walletId);
    if (!wallet) throw new NotFound('Wallet not found', 'wallet_not_found');
    const lowest = await this.ledger.lowestBalance(await this.systemAccounts.shards(credit.source, wallet.currency));
    if (wallet.balance + credit.amount > BALANCE_SOFT_MAX_MINOR || lowest - credit.amount < -BALANCE_SOFT_MAX_MINOR) {
      throw amountOutOfRange();
    }
  }

  /** Refunds of originals of these types also run `handler` (one handler per type). */
  handleRefundsOf(types: readonly string[], handler: ExternalRefundHandler): void {
    this.refunds.handleRefundsOf(types, handler);
  }

  /**
   * Sends money back along an original transfer, as a new transfer that points at it.
   * Errors: transaction_not_found (404), refund_receiver_only (403: the caller sent this payment),
   * not_refundable (422), refund_exceeds_remaining (422), insufficient_funds (422),
   * wallet_not_active (409), amount_out_of_range (422).
   */
  refund(principal: Principal, entryId: string, amount: bigint | undefined, reason: string, options: PostingOptions = {}) {
    return this.refunds.refund(principal, entryId, amount, reason, options, 'party');
  }

  /**
   * A refund an operator decided through the admin routes (a refund request's approval), from
   * either side of any transfer: the four-eyes rule and the audit log are the caller's.
   * Errors: as `refund`, without refund_receiver_only.
   */
  operatorRefund(operator: Principal, entryId: string, amount: bigint | undefined, reason: string, options: PostingOptions = {}) {
    return this.refunds.refund(operator, entryId, amount, reason, options, 'operator');
  }

  /** Errors: transaction_not_found (404), also for someone else's. */
  getEntry(principal: Principal, entryId: string): Promise<LedgerEntry> {
    return this.reads.entry(principal, entryId, { refund: false, by: 'party' });
  }

  /** Any entry, for an operator through the admin routes (which check their permission). Errors: transaction_not_found (404). */
  operatorEntry(operator: Principal, entryId: string): Promise<LedgerEntry> {
    return this.reads.entry(operator, entryId, { refund: false, by: 'operator' });
  }

  /** Errors: wallet_not_found (404). */
  history(principal: Principal, walletId: string, filter: HistoryFilter, limit: number, after?: Cursor): Promise<Page<LedgerEntry>> {
    return this.reads.page(principal, walletId, filter, limit, after);
  }

  /** The first page of history of each wallet, read together; wallet_not_found for one the caller may not see. */
  firstHistoryPages(principal: Principal, walletIds: readonly string[], limit: number): Promise<Map<string, Page<LedgerEntry> | AppError>> {
    return this.reads.firstPages(principal, walletIds, limit);
  }
}
