import type { Principal } from '../../shared/principal';
import { Unprocessable, type AppError } from '../../shared/errors';
import type { WalletDirectory } from '../wallet';
import type { LedgerRepository } from './ledger.repository';
import type { EntryActor, LedgerHistory } from './ledger-history';
import type { MovementScreening } from './movement-screening';
import type { TransferPoster } from './transfer-poster';
import type { ExternalRefund, ExternalRefundHandler, PostedTransfer, PostingOptions } from './ledger.types';

/**
 * Money sent back along an original transfer, as a new transfer that points at it. The refunds of
 * one original never add up to more than its amount, however many run at once: each reserves its
 * amount on the original under the posting's own transaction.
 */
export class Refunds {
  private readonly externalRefunds = new Map<string, ExternalRefundHandler>();

  constructor(
    private readonly ledger: Pick<LedgerRepository, 'reserveRefund'>,
    private readonly directory: WalletDirectory,
    private readonly reads: LedgerHistory,
    private readonly screening: MovementScreening,
    private readonly poster: TransferPoster,
  ) {}

  /** Refunds of originals of these types also run `handler` (one handler per type). */
  handleRefundsOf(types: readonly string[], handler: ExternalRefundHandler): void {
    for (const type of types) {
      if (this.externalRefunds.has(type)) throw new Error(`refunds of ${type} already have a handler`);
      this.externalRefunds.set(type, handler);
    }
  }

  /**
   * Errors: transaction_not_found (404), refund_receiver_only (403: the caller sent this payment),
   * not_refundable (422), refund_exceeds_remaining (422), insufficient_funds (422),
   * wallet_not_active (409), amount_out_of_range (422).
   */
  async refund(
    principal: Principal,
    entryId: string,
    amount: bigint | undefined,
    reason: string,
    options: PostingOptions,
    by: EntryActor,
  ): Promise<PostedTransfer> {
    const entry = await this.reads.entry(principal, entryId, { refund: true, by });
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
      ? await this.screening.unreviewed(
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
    const posted = await this.poster.post(
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
}

function refundExceeds(remaining: bigint | undefined): AppError {
  return new Unprocessable('refund_exceeds_remaining', 'Refunds cannot exceed what is left of the original amount', {
    ...(remaining !== undefined ? { remaining: remaining.toString() } : {}),
  });
}
