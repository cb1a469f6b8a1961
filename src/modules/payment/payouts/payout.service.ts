import { newId } from '../../../infra/crypto/ids';
import { Conflict, NotFound, Unprocessable, ValidationFailed } from '../../../shared/errors';
import { newEvent } from '../../../shared/events';
import type { Outbox } from '../../../shared/outbox';
import { toPage, type Cursor, type Page } from '../../../shared/pagination';
import type { Principal } from '../../../shared/principal';
import type { InTransaction, LedgerService } from '../../ledger';
import type { TokenService } from '../../token';
import { assertWalletAccess, type WalletRepository } from '../../wallet';
import type { BankAccountDetails } from '../processor/payment-processor';
import type { ProcessorChoice } from '../processor/tenant-processors';
import { payoutEventData, PAYOUTS_IN_TRANSIT, type PayoutSettlement } from './payout-settlement';
import type { BankAccountDestination, DestinationType, Payout, PayoutRepository } from './payout.repository';

export interface PayoutRequest {
  walletId: string;
  amount: bigint;
  destination: { type: DestinationType; tokenId: string };
}

/** Sends a committed payout to the processor soon (PayoutProcessing.sendSoon). */
export interface PayoutSender {
  sendSoon(payoutId: string): void;
}

export interface PayoutLimits {
  /** Per user, currency and UTC day, in the currency's minor units. */
  dailyLimitMinor(currency: string): bigint;
}

/**
 * Payouts from a wallet to the caller's own card or bank account. The story of one: find the
 * wallet and the destination in our records, debit the wallet into payouts_in_transit with the
 * payout row, its event and the idempotent reply in the same transaction (the day's limit taken
 * first, under its row lock), then send it to the processor after the commit. What the processor
 * answers is applied by PayoutSettlement, and retried by the workers when there is no answer.
 */
export class PayoutService {
  constructor(
    private readonly wallets: WalletRepository,
    private readonly tokens: TokenService,
    private readonly payouts: PayoutRepository,
    private readonly ledger: LedgerService,
    /** The current tenant's processor for new payouts and bank accounts. */
    private readonly processors: ProcessorChoice,
    private readonly settlement: PayoutSettlement,
    private readonly sender: PayoutSender,
    private readonly outbox: Outbox,
    private readonly limits: PayoutLimits,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Errors: wallet_not_found (404), token_not_found / payout_destination_not_found (404),
   * wallet_not_active (409), currency_mismatch (400), token_invalid (422),
   * payout_daily_limit_exceeded (422), insufficient_funds (422), amount_out_of_range (422),
   * risk_refused (422), payout_destination_unsupported (422), processor_not_configured (503).
   */
  async create(principal: Principal, request: PayoutRequest, inTx?: InTransaction<Payout>): Promise<Payout> {
    const wallet = assertWalletAccess(principal, await this.wallets.findById(request.walletId));
    if (wallet.status !== 'active') throw new Conflict('wallet_not_active', 'A frozen or closed wallet cannot pay out');
    const processor = (await this.processors.current()).name;
    // A service may use a destination it or the wallet's owner holds; a user only their own.
    const owners = principal.role === 'service' ? [principal.sub, wallet.userId] : [principal.sub];
    const destination = await this.destinationOf(owners, wallet.currency, request.destination, processor);
    const limitKey = { userId: wallet.userId, currency: wallet.currency, day: this.now().toISOString().slice(0, 10) };
    const limit = this.limits.dailyLimitMinor(wallet.currency);
    const id = newId('pyo');
    let payout: Payout | undefined;
    await this.ledger.debitToSystem(
      {
        walletId: wallet.id,
        amount: request.amount,
        account: PAYOUTS_IN_TRANSIT,
        description: `Payout to ${destination.type === 'card' ? 'card' : 'bank account'} •••• ${destination.last4}`,
        initiatedBy: principal.sub,
      },
      {
        type: 'payout',
        metadata: { payoutId: id },
        guard: async (tx) => {
          if ((await this.payouts.reserveDailyTotal(tx, limitKey, request.amount, limit)) === null) throw dailyLimitExceeded(limit);
        },
        inTx: async (tx, posted) => {
          payout = await this.payouts.insert(tx, {
            id,
            userId: wallet.userId,
            walletId: wallet.id,
            amount: request.amount,
            currency: wallet.currency,
            destination,
            processor,
            debitTransferId: posted.transfer.id,
            limitDay: limitKey.day,
          });
          await this.outbox.enqueue(tx, [newEvent('payout.created', wallet.userId, payoutEventData(payout))]);
          await inTx?.(tx, payout);
        },
      },
    );
    this.sender.sendSoon(id);
    return payout!;
  }

  /** Errors: payout_not_found (404), also for someone else's. */
  async get(principal: Principal, id: string): Promise<Payout> {
    const payout = await this.payouts.findById(id);
    if (!payout || !(payout.userId === principal.sub || principal.role === 'service')) {
      throw new NotFound('Payout not found', 'payout_not_found');
    }
    return payout;
  }

  /** Errors: wallet_not_found (404). */
  async list(principal: Principal, walletId: string, limit: number, after?: Cursor): Promise<Page<Payout>> {
    assertWalletAccess(principal, await this.wallets.findById(walletId));
    return toPage(await this.payouts.listByWallet(walletId, limit, after), limit);
  }

  /**
   * Registers the caller's bank account with the processor; only its id there and last four
   * digits are kept. Errors: bank_account_invalid (422), processor_unavailable / processor_not_configured (503).
   */
  async registerBankAccount(principal: Principal, account: BankAccountDetails): Promise<BankAccountDestination> {
    const processor = await this.processors.current();
    const registered = await processor.registerBankAccount(account);
    return this.payouts.insertDestination({
      id: newId('pdst'),
      ownerId: principal.sub,
      type: 'bank_account',
      processor: processor.name,
      processorDestinationId: registered.processorDestinationId,
      last4: registered.last4,
      country: account.country,
      currency: account.currency,
      bankName: registered.bankName,
    });
  }

  /** The payout the processor knows by this id (reconciliation of settlement files), or null. */
  async findByProcessorPayoutId(processorPayoutId: string): Promise<Payout | null> {
    return this.payouts.findByProcessorPayoutId((await this.processors.current()).name, processorPayoutId);
  }

  /**
   * A return reported by the processor (a webhook, a settlement file): the money goes back to the
   * wallet once, however often and however concurrently it is reported. Returns false when it
   * was already applied. Errors: payout_not_found (404), wallet_not_active (409, try again later).
   */
  async recordReturn(processorPayoutId: string, failureCode: string): Promise<boolean> {
    const payout = await this.findByProcessorPayoutId(processorPayoutId);
    if (!payout) throw new NotFound('Payout not found', 'payout_not_found');
    return this.settlement.returned(payout, failureCode);
  }

  private async destinationOf(owners: string[], currency: string, requested: PayoutRequest['destination'], processor: string) {
    if (requested.type === 'card') {
      const token = await this.tokens.findOwnedByAny(owners, requested.tokenId);
      if (!token) throw new NotFound('Token not found', 'token_not_found');
      const validity = await this.tokens.validate(token);
      if (!validity.valid)
        throw new Unprocessable('token_invalid', `The card cannot receive a payout (${validity.reason})`, { reason: validity.reason });
      return { type: 'card' as const, id: token.id, last4: token.last4 };
    }
    const account = await this.payouts.findDestination(owners, requested.tokenId);
    if (!account) throw new NotFound('Payout destination not found', 'payout_destination_not_found');
    if (account.processor !== processor) {
      throw new Unprocessable('payout_destination_unsupported', 'This bank account was registered with another processor');
    }
    if (account.currency !== currency) {
      throw new ValidationFailed('The bank account and the wallet hold different currencies', undefined, 'currency_mismatch');
    }
    return { type: 'bank_account' as const, id: account.id, last4: account.last4 };
  }
}

function dailyLimitExceeded(limit: bigint) {
  return new Unprocessable('payout_daily_limit_exceeded', "This payout would pass today's payout limit (UTC day)", {
    dailyLimitMinor: limit.toString(),
  });
}
