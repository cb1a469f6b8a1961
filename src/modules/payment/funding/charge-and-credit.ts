import type { Logger } from '../../../infra/logger';
import { AppError, Conflict, Unavailable } from '../../../shared/errors';
import type { InTransaction, LedgerService, Movement, PostedTransfer, PostVerdict } from '../../ledger';
import type { PaymentToken } from '../../token';
import { paymentOutcomeOf, type PaymentMetrics } from '../payment.metrics';
import { isDefiniteFailure, type PaymentProcessor } from '../processor/payment-processor';
import type { ProcessorChoice } from '../processor/tenant-processors';
import type { CardCharge, CardChargeRepository } from './card-charge.repository';

const DESCRIPTIONS: Record<CardCharge['purpose'], string> = {
  card_funding: 'Card funding',
  auto_top_up: 'Auto top-up',
  apple_pay: 'Apple Pay funding',
  google_pay: 'Google Pay funding',
};

/** The system account card money comes from. */
export const FUNDING_SOURCE = 'funding';

/**
 * The money path shared by card funding and auto top-up, for a charge already recorded:
 * charge it at the processor (under the charge id, so a repeat cannot charge twice), then credit
 * the wallet from the funding account, marking the charge credited in the same transaction.
 * A charge that succeeded but could not be credited goes to funding_reconciliation and is logged.
 *
 * The charge is scored by the ledger's screen before the card is charged (docs/risk.md): at the
 * block threshold nothing is charged, and the score is stored with the credit.
 *
 * Errors: amount_out_of_range / risk_refused (422, before any charge), card_declined / processing_error (422),
 * processor_unavailable (503), charge_already_credited (409), and the ledger's wallet_not_found (404) / wallet_not_active (409) after a successful charge.
 */
export class ChargeAndCredit {
  constructor(
    private readonly processors: ProcessorChoice,
    private readonly charges: CardChargeRepository,
    private readonly ledger: LedgerService,
    private readonly logger: Logger,
  ) {}

  /**
   * The processor a new charge of the current tenant goes to, recorded with the charge before it is
   * asked. Errors: processor_not_configured (503).
   */
  async processorName(): Promise<string> {
    return (await this.processors.current()).name;
  }

  /** The processor a recorded charge goes to (its tenant's of the recorded name), or undefined when it has none now. */
  processorOf(charge: CardCharge): Promise<PaymentProcessor | undefined> {
    return this.processors.named(charge.tenantId, charge.processor);
  }

  async run(charge: CardCharge, token: PaymentToken, initiatedBy: string, inTx?: InTransaction<PostedTransfer>): Promise<PostedTransfer> {
    if (charge.status === 'credited') {
      throw new Conflict('charge_already_credited', 'This charge has already been credited to the wallet', {
        chargeId: charge.id,
        transferId: charge.transferId,
      });
    }
    const verdict = charge.status === 'succeeded' ? undefined : await this.beforeCharge(charge, initiatedBy);
    const processorChargeId = charge.status === 'succeeded' ? charge.processorChargeId! : await this.charge(charge, token);
    try {
      // Charged in an earlier attempt: scored now, and never refused (the money came in).
      const screened = verdict ?? (await this.ledger.screenAhead({ ...fundingMovement(charge, initiatedBy), charged: true }));
      return await this.ledger.credit(
        {
          walletId: charge.walletId,
          amount: charge.amount,
          source: FUNDING_SOURCE,
          description: `${DESCRIPTIONS[charge.purpose]} (${token.brand} •••• ${token.last4})`,
          initiatedBy,
        },
        {
          type: charge.purpose,
          metadata: { chargeId: charge.id, tokenId: token.id, processor: charge.processor, processorChargeId },
          inTx: async (tx, posted) => {
            if (!(await this.charges.markCredited(tx, charge.id, posted.transfer.id))) {
              throw new Conflict('charge_already_credited', 'This charge has already been credited to the wallet', { chargeId: charge.id });
            }
            await this.charges.resolveReconciliation(tx, charge.id);
            await inTx?.(tx, posted);
          },
        },
        screened,
      );
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'charge_already_credited')) {
        const reason = error instanceof AppError ? error.code : 'internal_error';
        await this.charges.recordForReconciliation(charge.id, reason);
        this.logger.error('card charge succeeded but the wallet was not credited; recorded for reconciliation', {
          chargeId: charge.id,
          walletId: charge.walletId,
          amount: charge.amount.toString(),
          currency: charge.currency,
          reason,
        });
      }
      throw error;
    }
  }

  /**
   * The range check and the risk screen come before the charge: once the card is charged, the
   * credit must go through. A refused charge (amount_out_of_range, wallet_not_found, risk_refused)
   * is recorded failed, so recovery does not retry it. A recovery attempt may follow a charge the
   * processor made (it was unreachable): it is scored, never refused.
   */
  private async beforeCharge(charge: CardCharge, initiatedBy: string): Promise<PostVerdict | undefined> {
    try {
      await this.ledger.assertRoomForCredit({ walletId: charge.walletId, amount: charge.amount, source: FUNDING_SOURCE });
      return await this.ledger.screenAhead({ ...fundingMovement(charge, initiatedBy), charged: charge.recoveryAttempts > 0 });
    } catch (error) {
      // Never sent to the processor: failed for good, so recovery does not ask the processor about it.
      if (error instanceof AppError) await this.charges.recordFailed(charge.id, error.code);
      throw error;
    }
  }

  private async charge(charge: CardCharge, token: PaymentToken): Promise<string> {
    const processor = await this.processorOf(charge);
    // Recorded with the tenant's processor moments ago; gone only if the tenant's settings changed since.
    if (!processor)
      throw new Unavailable(`The card processor ${charge.processor} is no longer set for this tenant`, 'processor_not_configured');
    try {
      const result = await processor.charge({
        chargeId: charge.id,
        amount: charge.amount,
        currency: charge.currency,
        token: { provider: token.provider, providerTokenId: token.providerTokenId, last4: token.last4 },
        description: `OCP wallet ${charge.walletId}`,
      });
      await this.charges.recordSucceeded(charge.id, result.processorChargeId);
      return result.processorChargeId;
    } catch (error) {
      if (isDefiniteFailure(error)) {
        const declineCode = (error.details as { declineCode?: string } | undefined)?.declineCode;
        await this.charges.recordFailed(charge.id, declineCode ? `${error.code}:${declineCode}` : error.code);
      }
      // Anything else (processor unreachable): the row stays pending; a retry asks again under the same id.
      throw error;
    }
  }
}

/** A wallet funded from a card (or Apple Pay / Google Pay): money in, from no user wallet. */
function fundingMovement(charge: CardCharge, initiatedBy: string): Omit<Movement, 'onHeld'> {
  return {
    kind: 'card_funding',
    fromWalletId: charge.walletId,
    toWalletId: null,
    inbound: true,
    amount: charge.amount,
    currency: charge.currency,
    initiatedBy,
  };
}

/** Counts each charge's outcome by method: a wrapper, so the money path above stays as it reads. */
export class MeteredChargeAndCredit extends ChargeAndCredit {
  constructor(
    processors: ProcessorChoice,
    charges: CardChargeRepository,
    ledger: LedgerService,
    logger: Logger,
    private readonly metrics: PaymentMetrics,
  ) {
    super(processors, charges, ledger, logger);
  }

  override async run(
    charge: CardCharge,
    token: PaymentToken,
    initiatedBy: string,
    inTx?: InTransaction<PostedTransfer>,
  ): Promise<PostedTransfer> {
    try {
      const posted = await super.run(charge, token, initiatedBy, inTx);
      this.metrics.record(charge.purpose, 'succeeded');
      return posted;
    } catch (error) {
      this.metrics.record(charge.purpose, paymentOutcomeOf(error));
      throw error;
    }
  }
}
