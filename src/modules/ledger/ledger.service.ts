import type { TransactionRunner } from '../../shared/transaction';
import { newId } from '../../infra/crypto/ids';
import { currentTenantId } from '../../infra/tenant-scope';
import type { Principal } from '../../shared/principal';
import { AppError, Forbidden, NotFound, Unprocessable, ValidationFailed } from '../../shared/errors';
import { newEvent, type EventBus } from '../../shared/events';
import { BALANCE_SOFT_MAX_MINOR } from '../../shared/money/money';
import { toPage, type Cursor, type Page } from '../../shared/pagination';
import { assertWalletAccess, type WalletDirectory, type WalletMeta, type WalletRepository } from '../wallet';
import { LedgerRefusal, type HistoryFilter, type LedgerEntry, type LedgerRepository, type PostTransferCommand } from './ledger.repository';
import type { Outbox } from '../../shared/outbox';
import { PostingQueue, settleAll } from './posting-queue';
import { amountOutOfRange, refusalError } from './ledger.refusals';
import { transferPostedEvent } from './ledger.events';
import { MultiLegTransactions } from './multi-leg.service';
import type { TransferRecords } from './transfer-records.repository';
import type {
  ExternalCredit,
  ExternalRefund,
  ExternalRefundHandler,
  HeldForReview,
  Movement,
  MovementScreen,
  PostedTransfer,
  PostingOptions,
  PostVerdict,
  TransferRequest,
} from './ledger.types';

const ADJUSTMENT_SHARDS = 8;

export class LedgerService {
  private readonly systemAccounts = new Map<string, string[]>();
  private readonly externalRefunds = new Map<string, ExternalRefundHandler>();
  private readonly postings: PostingQueue;
  private movementScreen: MovementScreen | undefined;
  /** Multi-leg transactions and the caller-wide transfer list, on the same posting queue. */
  readonly multiLeg: MultiLegTransactions;

  constructor(
    private readonly db: TransactionRunner,
    private readonly ledger: LedgerRepository,
    private readonly wallets: WalletRepository,
    private readonly directory: WalletDirectory,
    outbox: Outbox,
    private readonly events: EventBus,
    records: TransferRecords,
  ) {
    this.postings = new PostingQueue(db, ledger, outbox);
    this.multiLeg = new MultiLegTransactions(this.postings, directory, records, events, () => this.movementScreen);
  }

  /**
   * Every movement of a user wallet's money is screened by `screen` before it posts: transfers,
   * agent payments, multi-leg legs, payouts, credits, refunds, adjustments (and holds, by HoldService).
   */
  screenMovementsWith(screen: MovementScreen): void {
    if (this.movementScreen) throw new Error('movements already have a screen');
    this.movementScreen = screen;
  }

  /**
   * Runs the screen (which may refuse, or hold the movement for review when options.onHeld is
   * given) and returns the options that record its verdict with the posting.
   */
  private async screened(movement: Movement, options: PostingOptions): Promise<PostingOptions | HeldForReview> {
    if (!this.movementScreen) return options;
    const verdict = await this.movementScreen.screen({ ...movement, ...(options.onHeld ? { onHeld: options.onHeld } : {}) });
    if ('held' in verdict) return verdict.held;
    return recording(verdict, options, this.db);
  }

  /**
   * Screens a movement before the money is taken or reserved elsewhere (a card credit before the
   * charge, a hold before it is created): the verdict's `post` stores the score with it. Undefined
   * when no screen is registered. Errors: risk_refused (422).
   */
  async screenAhead(movement: Omit<Movement, 'onHeld'>): Promise<PostVerdict | undefined> {
    const verdict = await this.movementScreen?.screen(movement);
    if (verdict && 'held' in verdict) throw new Error('a movement without onHeld was held for review');
    return verdict;
  }

  /** For movements that cannot be held (the screen only holds when onHeld is given). */
  private async screenedOrPosted(movement: Movement, options: PostingOptions): Promise<PostingOptions> {
    const { onHeld: _never, ...unreviewed } = options;
    const verdict = await this.screenAhead(movement);
    return verdict ? recording(verdict, unreviewed, this.db) : unreviewed;
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
    const screened = await this.screened(
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
    return this.post(
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
    if (screened) return this.postAgainstSystem(source, walletId, amount, p, recording(screened, options, this.db));
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
      ? await this.screenedOrPosted(
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
    const [from, to] = await Promise.all([this.systemAccount(move.from, move.currency), this.systemAccount(move.to, move.currency)]);
    return this.post({ ...move, type: move.to, from, to }, new Map(), options);
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
      ? await this.screenedOrPosted(
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
    const system = await this.systemAccount(account, wallet.currency);
    const [from, to] = signedAmount < 0n ? [wallet.id, system] : [system, wallet.id];
    return this.post({ ...p, from, to, amount, currency: wallet.currency }, new Map([[wallet.id, wallet]]), screened);
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
    const lowest = await this.ledger.lowestBalance(await this.systemShards(credit.source, wallet.currency));
    if (wallet.balance + credit.amount > BALANCE_SOFT_MAX_MINOR || lowest - credit.amount < -BALANCE_SOFT_MAX_MINOR) {
      throw amountOutOfRange();
    }
  }

  /** Refunds of originals of these types also run `handler` (one handler per type). */
  handleRefundsOf(types: readonly string[], handler: ExternalRefundHandler): void {
    for (const type of types) {
      if (this.externalRefunds.has(type)) throw new Error(`refunds of ${type} already have a handler`);
      this.externalRefunds.set(type, handler);
    }
  }

  /**
   * Sends money back along an original transfer, as a new transfer that points at it. The refunds
   * of one original never add up to more than its amount, however many run at once.
   * Errors: transaction_not_found (404), refund_receiver_only (403: the caller sent this payment),
   * not_refundable (422), refund_exceeds_remaining (422), insufficient_funds (422),
   * wallet_not_active (409), amount_out_of_range (422).
   */
  async refund(principal: Principal, entryId: string, amount: bigint | undefined, reason: string, options: PostingOptions = {}) {
    const entry = await this.entryFor(principal, entryId, { refund: true });
    const original = entry.transfer;
    if (original.type === 'refund') throw new Unprocessable('not_refundable', 'A refund cannot itself be refunded');
    const remaining = original.amount - original.refundedAmount;
    const refundAmount = amount ?? remaining;
    if (original.status !== 'completed' || refundAmount > remaining || refundAmount <= 0n) {
      throw refundExceeds(remaining);
    }
    const found = await this.directory.lookup([original.fromWalletId, original.toWalletId]);
    // Money sent back along a transfer: scored, never refused (docs/risk.md). The refunding user
    // wallet is scored; when a system account refunds (a payout sent back), the wallet credited.
    const payer = found.get(original.toWalletId);
    const payee = found.get(original.fromWalletId);
    const scored = payer ?? payee;
    const screenedOptions = scored
      ? await this.screenedOrPosted(
          {
            kind: 'refund',
            fromWalletId: scored.id,
            toWalletId: payer ? (payee?.id ?? null) : null,
            ...(payer ? {} : { inbound: true }),
            amount: refundAmount,
            currency: original.currency,
            initiatedBy: principal.sub,
          },
          options,
        )
      : options;
    const handler = this.externalRefunds.get(original.type);
    let external: ExternalRefund | undefined;
    const posted = await this.post(
      {
        type: 'refund',
        from: original.toWalletId,
        to: original.fromWalletId,
        amount: refundAmount,
        currency: original.currency,
        description: reason,
        initiatedBy: principal.sub,
        refundOf: original.id,
      },
      found,
      {
        ...screenedOptions,
        guard: async (tx) => {
          if (!(await this.ledger.reserveRefund(tx, original.id, refundAmount))) throw refundExceeds(undefined);
          await screenedOptions.guard?.(tx);
        },
        // The obligation first, so the caller's inTx (an idempotent reply) already shows it.
        inTx: async (tx, result) => {
          external = handler ? await handler.record(tx, original, result) : undefined;
          await screenedOptions.inTx?.(tx, external ? { ...result, externalRefund: external } : result);
        },
      },
    );
    if (!handler || !external) return posted;
    handler.settle(external);
    return { ...posted, externalRefund: external };
  }

  /** Errors: transaction_not_found (404), also for someone else's. */
  async getEntry(principal: Principal, entryId: string): Promise<LedgerEntry> {
    return this.entryFor(principal, entryId, { refund: false });
  }

  /** Errors: wallet_not_found (404). */
  async history(principal: Principal, walletId: string, filter: HistoryFilter, limit: number, after?: Cursor): Promise<Page<LedgerEntry>> {
    assertWalletAccess(principal, await this.wallets.findById(walletId));
    return toPage(await this.ledger.listEntries(walletId, filter, limit, after), limit);
  }

  /**
   * The first page of history of each wallet, read together (limit + 1 entries per wallet, as
   * history reads). A wallet the caller may not see, or that does not exist, gets wallet_not_found,
   * as history would answer it.
   */
  async firstHistoryPages(
    principal: Principal,
    walletIds: readonly string[],
    limit: number,
  ): Promise<Map<string, Page<LedgerEntry> | AppError>> {
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

  private async post(
    p: {
      type: string;
      from: string;
      to: string;
      amount: bigint;
      currency: string;
      description: string | null;
      initiatedBy: string;
      refundOf?: string;
    },
    wallets: ReadonlyMap<string, WalletMeta>,
    { inTx, guard, type, metadata, afterCommit }: PostingOptions,
  ): Promise<PostedTransfer> {
    const command: PostTransferCommand = {
      transferId: newId('trf'),
      type: type ?? p.type,
      fromWalletId: p.from,
      toWalletId: p.to,
      amount: p.amount,
      currency: p.currency,
      debitEntryId: newId('txn'),
      creditEntryId: newId('txn'),
      description: p.description,
      initiatedBy: p.initiatedBy,
      refundOf: p.refundOf ?? null,
      metadata: metadata ?? {},
    };
    try {
      const { posted, events } = await this.postings.submit({ command, wallets, guard, inTx });
      // Webhooks got `events` through the outbox; `transfer.posted` is for in-process listeners.
      this.events.publish([...events, transferPostedEvent(posted, wallets)]);
      afterCommit?.();
      return posted;
    } catch (error) {
      const refused = error instanceof LedgerRefusal ? refusalError(error.code) : error;
      if (refused instanceof AppError) {
        this.events.publish([newEvent('transfer.refused', p.initiatedBy, { type: command.type, reason: refused.code })]);
      }
      throw refused;
    }
  }

  private async entryFor(principal: Principal, entryId: string, { refund }: { refund: boolean }) {
    const entry = await this.ledger.findEntry(entryId);
    const privileged = principal.role === 'service' || principal.role === 'admin';
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

  private async systemAccount(code: string, currency: string): Promise<string> {
    const shards = await this.systemShards(code, currency);
    // A random shard per posting, so concurrent adjustments do not queue on one hot row.
    return shards[Math.floor(Math.random() * shards.length)]!;
  }

  /** Each tenant has its own system accounts: its money enters and leaves through its own books. */
  private async systemShards(code: string, currency: string): Promise<string[]> {
    const tenant = currentTenantId();
    const key = `${tenant}:${code}:${currency}`;
    let shards = this.systemAccounts.get(key);
    if (!shards) {
      shards = await this.ledger.ensureSystemAccounts(code, currency, ADJUSTMENT_SHARDS, tenant);
      this.systemAccounts.set(key, shards);
    }
    return shards;
  }
}

/** The options that store the screen's verdict with the posting, in its transaction, and tell it the commit. */
function recording(verdict: PostVerdict, options: PostingOptions, transactions: TransactionRunner): PostingOptions {
  return {
    ...options,
    // Side by side: with the posting group's other writes they leave in one round trip, where one
    // after the other each reply waited for its score's answer.
    inTx: (tx, posted) => settleAll([verdict.post(tx, posted.transfer.id), options.inTx?.(tx, posted)], transactions),
    afterCommit: () => {
      verdict.committed?.();
      options.afterCommit?.();
    },
  };
}

function refundExceeds(remaining: bigint | undefined): AppError {
  return new Unprocessable('refund_exceeds_remaining', 'Refunds cannot exceed what is left of the original amount', {
    ...(remaining !== undefined ? { remaining: remaining.toString() } : {}),
  });
}
