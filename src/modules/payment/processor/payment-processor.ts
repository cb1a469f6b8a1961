import { AppError } from '../../../shared/errors';

/** What a processor needs to know about the token it charges (never card data). */
export interface ChargeableToken {
  provider: string;
  providerTokenId: string;
  /** The card's (or device number's) last four digits, as the token shows them. */
  last4: string;
}

export interface ChargeRequest {
  /** OCP's id for this charge; also the idempotency key at the processor, so a retry charges once. */
  chargeId: string;
  amount: bigint;
  currency: string;
  token: ChargeableToken;
  description: string;
}

export interface Charge {
  processorChargeId: string;
}

export interface RefundRequest {
  /** Idempotency key at the processor. */
  refundId: string;
  processorChargeId: string;
  amount: bigint;
  currency: string;
}

/**
 * Moves money from a card (a token) to the merchant, and back. Picked by PAYMENT_PROCESSOR.
 *
 * Errors: card_declined (422, details.declineCode: generic_decline | insufficient_funds | …) and
 * processing_error (422) mean the charge definitely did not happen; processor_unavailable (503)
 * means its outcome is unknown: retry with the same chargeId.
 */
export interface PaymentProcessor {
  readonly name: string;
  charge(request: ChargeRequest): Promise<Charge>;
  refund(request: RefundRequest): Promise<{ processorRefundId: string }>;
}

export const PROCESSOR_UNAVAILABLE = 'processor_unavailable';

export function cardDeclined(declineCode: string): AppError {
  const message = declineCode === 'insufficient_funds' ? 'The card has insufficient funds' : 'The card was declined';
  return new AppError('declined', 'card_declined', message, { declineCode });
}

export function processingError(): AppError {
  return new AppError('declined', 'processing_error', 'The processor could not process the card; try again later');
}

/** A refusal that will not change if the same charge is tried again. */
export function isDefiniteFailure(error: unknown): error is AppError {
  return error instanceof AppError && error.kind === 'declined';
}
