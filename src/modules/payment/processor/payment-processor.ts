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

/** Where a payout goes, as the processor knows it (never a card or account number). */
export interface PayoutDestination {
  type: 'card' | 'bank_account';
  /** The token provider that made a card token (a processor can pay out only to its own); the processor for a bank account. */
  provider: string;
  /** The provider's id for the card, or the processor's id for the bank account. */
  providerDestinationId: string;
  last4: string;
}

export interface PayoutRequest {
  /** OCP's id for this payout; also the idempotency key at the processor, so a retry pays out once. */
  payoutId: string;
  amount: bigint;
  currency: string;
  destination: PayoutDestination;
  description: string;
}

/** A payout the processor accepted: the money has left for the destination. */
export interface AcceptedPayout {
  processorPayoutId: string;
}

/** What the processor says of a payout it accepted: still fine, or failed after all (a return). */
export type PayoutState = { status: 'paid' } | { status: 'returned'; failureCode: string };

/** A bank account to register as a payout destination: held in memory for the call, never stored. */
export interface BankAccountDetails {
  accountHolderName: string;
  country: string;
  currency: string;
  routingNumber: string;
  accountNumber: string;
}

export interface RegisteredBankAccount {
  processorDestinationId: string;
  last4: string;
  bankName: string | null;
}

/**
 * Moves money from a card (a token) to the merchant, and back; and out to a user's card or bank
 * account (payouts). Picked by PAYMENT_PROCESSOR.
 *
 * Errors: card_declined (422, details.declineCode: generic_decline | insufficient_funds | …) and
 * processing_error (422) mean the charge definitely did not happen; processor_unavailable (503)
 * means its outcome is unknown: retry with the same chargeId.
 */
export interface PaymentProcessor {
  readonly name: string;
  charge(request: ChargeRequest): Promise<Charge>;
  refund(request: RefundRequest): Promise<{ processorRefundId: string }>;
  /**
   * Sends money to the destination. Errors: payout_failed (422, details.failureCode) when it
   * definitely did not go; processor_unavailable (503) when the outcome is unknown: ask again
   * with the same payoutId.
   */
  payout(request: PayoutRequest): Promise<AcceptedPayout>;
  /** Whether an accepted payout still stands or came back. Errors: processor_unavailable (503). */
  payoutState(processorPayoutId: string): Promise<PayoutState>;
  /**
   * Registers a bank account as a payout destination. Errors: bank_account_invalid (422),
   * processor_unavailable (503).
   */
  registerBankAccount(account: BankAccountDetails): Promise<RegisteredBankAccount>;
}

export const PROCESSOR_UNAVAILABLE = 'processor_unavailable';

export function cardDeclined(declineCode: string): AppError {
  const message = declineCode === 'insufficient_funds' ? 'The card has insufficient funds' : 'The card was declined';
  return new AppError('declined', 'card_declined', message, { declineCode });
}

export function processingError(): AppError {
  return new AppError('declined', 'processing_error', 'The processor could not process the card; try again later');
}

export function payoutFailed(failureCode: string): AppError {
  return new AppError('declined', 'payout_failed', 'The processor could not send the payout to this destination', { failureCode });
}

/** A refusal that will not change if the same charge is tried again. */
export function isDefiniteFailure(error: unknown): error is AppError {
  return error instanceof AppError && error.kind === 'declined';
}
