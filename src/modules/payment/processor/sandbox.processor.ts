import { newId } from '../../../infra/crypto/ids';
import type { AppError } from '../../../shared/errors';
import {
  cardDeclined,
  processingError,
  type Charge,
  type ChargeRequest,
  type PaymentProcessor,
  type RefundRequest,
} from './payment-processor';
import { SandboxPayouts } from './sandbox-payouts';
import { setBounded } from '../../../shared/bounded-map';

/**
 * What the sandbox does with a card, by its last four digits, as the processors' public test cards
 * are told apart: no card number has to be written anywhere (the source, the database, a log).
 */
const FAILURES_BY_LAST4: ReadonlyMap<string, () => AppError> = new Map([
  ['0002', () => cardDeclined('generic_decline')],
  ['9995', () => cardDeclined('insufficient_funds')],
  ['0119', () => processingError()],
]);

// A sandbox lives in memory; a bound keeps a long-running dev server from growing without end.
const REMEMBERED_CHARGES_MAX = 10_000;

type Outcome = { charge: Charge; amount: bigint; refunded: bigint } | { error: () => AppError };

/**
 * The default processor: moves no money, decides by the card's last four digits (it never sees the
 * number), so the test cards work with every token provider; any other card is approved. Charge ids
 * are idempotency keys: the same id gets the same outcome again.
 */
export class SandboxProcessor extends SandboxPayouts implements PaymentProcessor {
  readonly name = 'sandbox';
  private readonly charges = new Map<string, Outcome>();
  /** Charges that really ran (replays excluded): what tests count to prove "charged once". */
  chargesMade = 0;
  private readonly refunds = new Map<string, { processorRefundId: string }>();
  /** Refunds that really ran (replays excluded). */
  refundsMade = 0;

  async charge(request: ChargeRequest): Promise<Charge> {
    const previous = this.charges.get(request.chargeId);
    const outcome = previous ?? this.decide(request);
    if (!previous) this.remember(request.chargeId, outcome);
    if ('error' in outcome) throw outcome.error();
    return outcome.charge;
  }

  async refund(request: RefundRequest): Promise<{ processorRefundId: string }> {
    // Refund ids are idempotency keys too: a repeated id is answered, not refunded again.
    const previous = this.refunds.get(request.refundId);
    if (previous) return previous;
    const charge = [...this.charges.values()].find((o) => 'charge' in o && o.charge.processorChargeId === request.processorChargeId);
    if (!charge || !('charge' in charge) || charge.refunded + request.amount > charge.amount) {
      throw cardDeclined('refund_exceeds_charge');
    }
    charge.refunded += request.amount;
    this.refundsMade += 1;
    const refund = { processorRefundId: newId('sbre') };
    setBounded(this.refunds, request.refundId, refund, REMEMBERED_CHARGES_MAX);
    return refund;
  }

  /** What has been refunded of a charge so far (tests). */
  refundedOf(processorChargeId: string): bigint {
    const charge = [...this.charges.values()].find((o) => 'charge' in o && o.charge.processorChargeId === processorChargeId);
    return charge && 'charge' in charge ? charge.refunded : 0n;
  }

  private decide(request: ChargeRequest): Outcome {
    this.chargesMade += 1;
    const error = FAILURES_BY_LAST4.get(request.token.last4);
    return error ? { error } : { charge: { processorChargeId: newId('sbch') }, amount: request.amount, refunded: 0n };
  }

  private remember(chargeId: string, outcome: Outcome): void {
    setBounded(this.charges, chargeId, outcome, REMEMBERED_CHARGES_MAX);
  }
}
