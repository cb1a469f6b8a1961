import { newEvent } from '../../../shared/events';
import type { Outbox } from '../../../shared/outbox';
import type { Transaction } from '../../../shared/transaction';
import type { LedgerService } from '../../ledger';
import type { Payout, PayoutRepository } from './payout.repository';

/** The system accounts a payout's money goes through (sharded per currency like every system account). */
export const PAYOUTS_IN_TRANSIT = 'payouts_in_transit';
export const PAYOUTS_SETTLED = 'payouts_settled';
/** The types of the transfers payouts post; none of them may be refunded through the ledger. */
export const PAYOUT_TRANSFER_TYPES = ['payout', 'payout_settlement', 'payout_failed', 'payout_returned'] as const;

/** The state change was reported before (another worker, a webhook): this report posts nothing. */
class AlreadyMoved extends Error {}

/** What webhooks receive about a payout: ids, amount and state, never the destination's processor id. */
export function payoutEventData(p: Payout, status = p.status, failureCode = p.failureCode) {
  return {
    payoutId: p.id,
    walletId: p.walletId,
    amount: p.amount.toString(),
    currency: p.currency,
    status,
    destination: { type: p.destination.type, last4: p.destination.last4 },
    failureCode,
  };
}

/**
 * Applies what the processor said about a payout, each outcome one ledger posting whose guard
 * moves the payout row from the state it expects under the row's lock. The second report of one
 * outcome (a retry, a concurrent worker, a webhook and a poll) finds the row moved, and its posting
 * rolls back: money moves exactly once.
 *   paid:     payouts_in_transit -> payouts_settled
 *   failed:   payouts_in_transit -> the wallet (and the day's limit is given back)
 *   returned: payouts_settled    -> the wallet
 * Each returns false when the outcome was already applied. Errors: the ledger's
 * (wallet_not_active for a frozen wallet: the worker tries again later).
 */
export class PayoutSettlement {
  constructor(
    private readonly ledger: LedgerService,
    private readonly payouts: PayoutRepository,
    private readonly outbox: Outbox,
  ) {}

  paid(p: Payout, processorPayoutId: string): Promise<boolean> {
    return this.once(() =>
      this.ledger.moveBetweenSystemAccounts(
        {
          from: PAYOUTS_IN_TRANSIT,
          to: PAYOUTS_SETTLED,
          currency: p.currency,
          amount: p.amount,
          description: `Payout ${p.id} paid`,
          initiatedBy: p.userId,
        },
        {
          type: 'payout_settlement',
          metadata: { payoutId: p.id, processorPayoutId },
          guard: async (tx) => this.expect(await this.payouts.markPaid(tx, p.id, processorPayoutId)),
          inTx: (tx, posted) => this.record(tx, p, 'settle', posted.transfer.id, 'paid', null),
        },
      ),
    );
  }

  failed(p: Payout, failureCode: string): Promise<boolean> {
    return this.once(() =>
      this.ledger.credit(
        {
          walletId: p.walletId,
          amount: p.amount,
          source: PAYOUTS_IN_TRANSIT,
          description: `Payout ${p.id} failed (${failureCode})`,
          initiatedBy: p.userId,
        },
        {
          type: 'payout_failed',
          metadata: { payoutId: p.id, failureCode },
          guard: async (tx) => {
            this.expect(await this.payouts.markFailed(tx, p.id, failureCode));
            // Money that never left does not count against the day.
            await this.payouts.releaseDailyTotal(tx, { userId: p.userId, currency: p.currency, day: p.limitDay }, p.amount);
          },
          inTx: (tx, posted) => this.record(tx, p, 'reversal', posted.transfer.id, 'failed', failureCode),
        },
      ),
    );
  }

  returned(p: Payout, failureCode: string): Promise<boolean> {
    return this.once(() =>
      this.ledger.credit(
        {
          walletId: p.walletId,
          amount: p.amount,
          source: PAYOUTS_SETTLED,
          description: `Payout ${p.id} returned (${failureCode})`,
          initiatedBy: p.userId,
        },
        {
          type: 'payout_returned',
          metadata: { payoutId: p.id, failureCode },
          guard: async (tx) => this.expect(await this.payouts.markReturned(tx, p.id, failureCode)),
          inTx: (tx, posted) => this.record(tx, p, 'reversal', posted.transfer.id, 'returned', failureCode),
        },
      ),
    );
  }

  private async once(post: () => Promise<unknown>): Promise<boolean> {
    try {
      await post();
      return true;
    } catch (error) {
      if (error instanceof AlreadyMoved) return false;
      throw error;
    }
  }

  private expect(moved: boolean): void {
    if (!moved) throw new AlreadyMoved('The payout has already left that state');
  }

  private async record(
    tx: Transaction,
    p: Payout,
    kind: 'settle' | 'reversal',
    transferId: string,
    status: 'paid' | 'failed' | 'returned',
    failureCode: string | null,
  ): Promise<void> {
    await this.payouts.recordTransfer(tx, p.id, kind, transferId);
    await this.outbox.enqueue(tx, [newEvent(`payout.${status}`, p.userId, payoutEventData(p, status, failureCode))]);
  }
}
