import { newId } from '../../../infra/crypto/ids';
import { AppError, Conflict, InsufficientFunds, NotFound, Unprocessable, ValidationFailed } from '../../../shared/errors';
import type { DomainEvent, EventBus } from '../../../shared/events';
import type { Outbox } from '../../../shared/outbox';
import { toPage, type Cursor, type Page } from '../../../shared/pagination';
import type { Principal } from '../../../shared/principal';
import type { Transaction, TransactionRunner } from '../../../shared/transaction';
import { assertWalletAccess, type WalletDirectory } from '../../wallet';
import type { LedgerService } from '../ledger.service';
import type { InTransaction, PostedTransfer } from '../ledger.types';
import { holdEvents } from './hold.events';
import type { Hold, HoldRepository, HoldStatus, WalletFunds } from './hold.repository';

const DAY_MS = 86_400_000;
/** Without expiresAt a hold lasts this long; no hold lasts longer than HOLD_TTL_MAX_MS. */
export const HOLD_TTL_DEFAULT_MS = 7 * DAY_MS;
export const HOLD_TTL_MAX_MS = 30 * DAY_MS;

/** The transfer type of a capture, linked to its hold by metadata.holdId and the hold's captureTransferId. */
export const HOLD_CAPTURE_TYPE = 'hold_capture';

export interface HoldRequest {
  fromWalletId: string;
  toWalletId: string;
  amount: bigint;
  currency?: string;
  expiresAt?: Date;
  description?: string;
}

export interface CapturedHold {
  hold: Hold;
  posted: PostedTransfer;
}

/**
 * Holds (two-phase transfers): reserve money in the payer's wallet, then capture it (a normal
 * transfer to the payee), void it, or let it expire. A pending hold's amount is counted in the
 * wallet's `held`, which every posting leaves alone: the available balance is balance - held.
 */
export class HoldService {
  constructor(
    private readonly db: TransactionRunner,
    private readonly holds: HoldRepository,
    private readonly ledger: Pick<LedgerService, 'transferForOwner' | 'screenAhead'>,
    private readonly directory: WalletDirectory,
    private readonly outbox: Outbox,
    private readonly events: EventBus,
  ) {}

  /**
   * Reserves `amount` of the source wallet for the destination; the caller must own the source (or
   * be a service). The source is locked while its available balance is checked, so concurrent holds
   * and transfers never take it below zero.
   * Scored by the ledger's screen (never refused: its capture is scored again), with the score in
   * the hold's transaction; `options.scored`: the risk module's own hold of a movement it scored.
   * Errors: same_wallet (400), currency_mismatch (400), validation_failed (400: expiresAt not ahead,
   * or more than 30 days ahead), wallet_not_found (404), wallet_not_active (409), insufficient_funds (422).
   */
  async create(principal: Principal, request: HoldRequest, inTx?: InTransaction<Hold>, options: { scored?: boolean } = {}): Promise<Hold> {
    const { fromWalletId, toWalletId, amount } = request;
    if (fromWalletId === toWalletId) {
      throw new ValidationFailed('The source and destination wallets must differ', undefined, 'same_wallet');
    }
    const expiresAt = expiryOf(request.expiresAt, new Date());
    const found = await this.directory.lookup([fromWalletId, toWalletId]);
    const from = assertWalletAccess(principal, found.get(fromWalletId));
    const to = found.get(toWalletId);
    if (!to) throw new NotFound('Destination wallet not found', 'wallet_not_found');
    if (to.currency !== from.currency || (request.currency && request.currency !== from.currency)) {
      throw new ValidationFailed('Both wallets must hold the same currency', undefined, 'currency_mismatch');
    }
    const verdict = options.scored
      ? undefined
      : await this.ledger.screenAhead({
          kind: 'hold',
          fromWalletId: from.id,
          toWalletId: to.id,
          amount,
          currency: from.currency,
          initiatedBy: principal.sub,
        });
    const { hold, events } = await this.db.transactionWithRetry(async (tx) => {
      assertCanHold(await this.holds.lockWallets(tx, [from.id, to.id]), from.id, amount);
      const created = await this.holds.insert(tx, {
        id: newId('hld'),
        amount,
        currency: from.currency,
        fromWalletId: from.id,
        toWalletId: to.id,
        description: request.description ?? null,
        createdBy: principal.sub,
        expiresAt,
      });
      const events = await this.announce(tx, holdEvents('hold.created', created));
      await verdict?.post(tx, created.id);
      await inTx?.(tx, created);
      return { hold: created, events };
    });
    this.events.publish(events);
    verdict?.committed?.();
    return hold;
  }

  /** Errors: hold_not_found (404), also for a hold the caller is no party to. */
  async get(principal: Principal, id: string): Promise<Hold> {
    const hold = await this.holds.findById(id);
    if (!hold || !isParty(principal, hold)) throw new NotFound('Hold not found', 'hold_not_found');
    return hold;
  }

  /** The holds from or to a wallet, newest first. Errors: wallet_not_found (404). */
  async list(principal: Principal, walletId: string, status: HoldStatus | undefined, limit: number, after?: Cursor): Promise<Page<Hold>> {
    assertWalletAccess(principal, (await this.directory.lookup([walletId])).get(walletId));
    return toPage(await this.holds.listByWallet(walletId, status, limit, after), limit);
  }

  /**
   * Posts up to the held amount from the payer to the payee as a transfer of type hold_capture; the
   * whole hold is released in the same transaction, so what was not captured is available again.
   * The hold is flipped to captured by a conditional update inside the posting's transaction: of a
   * capture and a void (or two captures) at once, one wins and the other gets hold_not_pending.
   * Errors: hold_not_found (404), hold_not_pending (409), capture_exceeds_hold (422),
   * wallet_not_active (409), amount_out_of_range (422).
   */
  async capture(principal: Principal, id: string, amount: bigint | undefined, inTx?: InTransaction<CapturedHold>): Promise<CapturedHold> {
    const hold = await this.pending(principal, id);
    const captured = amount ?? hold.amount;
    if (captured > hold.amount) {
      throw new Unprocessable('capture_exceeds_hold', 'A capture cannot take more than the held amount', {
        amount: hold.amount.toString(),
      });
    }
    let settled: Hold | undefined;
    let events: DomainEvent[] = [];
    const request = { fromWalletId: hold.fromWalletId, toWalletId: hold.toWalletId, amount: captured, currency: hold.currency };
    try {
      const posted = await this.ledger.transferForOwner(
        hold.fromUserId,
        { ...request, ...(hold.description ? { description: hold.description } : {}) },
        {
          type: HOLD_CAPTURE_TYPE,
          metadata: { holdId: hold.id },
          // Before the ledger write: release the hold, so the posting debits available money.
          guard: async (tx) => {
            settled = (await this.holds.settle(tx, hold.id, 'captured', captured, new Date())) ?? undefined;
            if (!settled) throw lostRace();
          },
          inTx: async (tx, p) => {
            settled = { ...settled!, captureTransferId: p.transfer.id };
            await this.holds.recordCaptureTransfer(tx, hold.id, p.transfer.id);
            events = await this.announce(tx, holdEvents('hold.captured', settled));
            await inTx?.(tx, { hold: settled, posted: p });
          },
        },
      );
      this.events.publish(events);
      return { hold: settled!, posted };
    } catch (error) {
      if (error instanceof AppError && error.code === 'hold_not_pending') throw await this.notPendingNow(hold.id);
      throw error;
    }
  }

  /**
   * Releases a pending hold: the payer or the payee may (a payee declining it), or a service.
   * Errors: hold_not_found (404), hold_not_pending (409).
   */
  async void(principal: Principal, id: string, inTx?: InTransaction<Hold>): Promise<Hold> {
    const hold = await this.pending(principal, id);
    const result = await this.db.transactionWithRetry(async (tx) => {
      const voided = await this.holds.settle(tx, hold.id, 'voided', 0n, new Date());
      if (!voided) return null;
      const events = await this.announce(tx, holdEvents('hold.voided', voided));
      await inTx?.(tx, voided);
      return { hold: voided, events };
    });
    if (!result) throw await this.notPendingNow(hold.id);
    this.events.publish(result.events);
    return result.hold;
  }

  /**
   * The expiry worker's run: expires up to `batchMax` pending holds whose time has passed and
   * releases their money, in one transaction. True when more may be waiting. Workers in several
   * processes share the due holds without waiting for each other, and each expires once.
   * Errors: only the database's.
   */
  async expireOverdue(batchMax: number): Promise<boolean> {
    const expired = await this.expire(batchMax);
    return expired.length === batchMax;
  }

  private async expire(batchMax: number, onlyId?: string): Promise<Hold[]> {
    const { holds, events } = await this.db.transactionWithRetry(async (tx) => {
      const due = await this.holds.expireDue(tx, new Date(), batchMax, onlyId);
      return {
        holds: due,
        events: await this.announce(
          tx,
          due.flatMap((hold) => holdEvents('hold.expired', hold)),
        ),
      };
    });
    this.events.publish(events);
    return holds;
  }

  /** A hold the caller is party to and that is still pending. Errors: hold_not_found, hold_not_pending. */
  private async pending(principal: Principal, id: string): Promise<Hold> {
    const hold = await this.get(principal, id);
    if (hold.status !== 'pending' || hold.expiresAt <= new Date()) throw await this.notPendingNow(hold.id);
    return hold;
  }

  /** Why a hold is no longer pending; one found overdue is expired now rather than at the next sweep. */
  private async notPendingNow(id: string): Promise<Conflict> {
    let hold = await this.holds.findById(id);
    if (hold?.status === 'pending' && hold.expiresAt <= new Date()) {
      await this.expire(1, id);
      hold = await this.holds.findById(id);
    }
    const status = hold?.status ?? 'pending';
    return new Conflict('hold_not_pending', `The hold is ${status}, no longer pending`, { status });
  }

  private async announce(tx: Transaction, events: DomainEvent[]): Promise<DomainEvent[]> {
    await this.outbox.enqueue(tx, events);
    return events;
  }
}

/** Services act for any user; an operator is a party only to holds on their own wallets. */
function isParty(principal: Principal, hold: Hold): boolean {
  return principal.role === 'service' || principal.sub === hold.fromUserId || principal.sub === hold.toUserId;
}

function expiryOf(requested: Date | undefined, now: Date): Date {
  if (!requested) return new Date(now.getTime() + HOLD_TTL_DEFAULT_MS);
  // The route's schema says the same with the field's name; this holds for every other caller.
  if (requested <= now || requested.getTime() - now.getTime() > HOLD_TTL_MAX_MS) {
    throw new ValidationFailed('expiresAt must be in the future and at most 30 days ahead');
  }
  return requested;
}

/** Refuses a hold the source cannot cover now (read under its row lock). */
function assertCanHold(wallets: readonly WalletFunds[], fromId: string, amount: bigint): void {
  if (wallets.length < 2) throw new NotFound('Wallet not found', 'wallet_not_found');
  if (wallets.some((w) => w.status !== 'active')) {
    throw new Conflict('wallet_not_active', 'A frozen or closed wallet can neither send nor receive');
  }
  const from = wallets.find((w) => w.id === fromId)!;
  if (from.balance - from.held < amount) {
    throw new InsufficientFunds('The source wallet does not have this much available to hold', {
      available: (from.balance - from.held).toString(),
    });
  }
}

/** Thrown in the capture's guard when the hold is no longer pending; turned into the full answer after the rollback. */
function lostRace(): Conflict {
  return new Conflict('hold_not_pending', 'The hold is no longer pending');
}
