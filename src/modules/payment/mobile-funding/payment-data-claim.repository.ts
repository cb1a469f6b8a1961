import type { PaymentMethod } from '../payment-method';

export interface PaymentDataClaim {
  /** Keyed fingerprint of the payment data (payment-data-fingerprint.ts), never the data itself. */
  fingerprint: string;
  method: PaymentMethod;
  paymentSessionId: string;
  claimedBy: string;
}

/** The record that makes Apple Pay / Google Pay payment data single-use (table payment_data_claims). */
export interface PaymentDataClaimRepository {
  /** Records the claim; false when that fingerprint was already claimed (a replay, or a concurrent twin). */
  claim(claim: PaymentDataClaim): Promise<boolean>;
  /** Gives a claim back, only while the processor has not been asked: the same data may then be sent again. */
  release(fingerprint: string, paymentSessionId: string): Promise<void>;
}
