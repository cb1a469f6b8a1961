import type { Cursor } from '../../../shared/pagination';
import type { Transaction } from '../../../shared/transaction';

/** A UCP payment credential as stored: the token itself never is, only its SHA-256. */
export interface PaymentCredential {
  id: string;
  tokenHash: string;
  agentId: string;
  ownerId: string;
  merchantId: string;
  checkoutId: string;
  amount: bigint;
  currency: string;
  /** The owner's ES256 mandate the payment must also satisfy (checked on redeem). */
  mandate: string | null;
  expiresAt: Date;
  createdAt: Date;
  redeemedAt: Date | null;
  paymentId: string | null;
}

/** A payment made to a merchant by redeeming a credential, as the merchant looks it up. */
export interface MerchantPayment {
  /** The agent payment's id (`apm_…`). */
  id: string;
  credentialId: string;
  transferId: string;
  agentId: string;
  merchantId: string;
  checkoutId: string;
  amount: bigint;
  currency: string;
  status: string;
  createdAt: Date;
}

/**
 * Storage of UCP payment credentials. Errors: only the database's (a token hash is random, so its
 * unique constraint is never expected to fire).
 */
export interface PaymentCredentialRepository {
  insert(credential: Omit<PaymentCredential, 'createdAt' | 'redeemedAt' | 'paymentId'>): Promise<PaymentCredential>;
  findByTokenHash(tokenHash: string): Promise<PaymentCredential | null>;
  /**
   * Marks the credential redeemed by `paymentId` at `at` if it is still unredeemed and unexpired at
   * `at`, in the caller's transaction (the row stays locked until it ends, so a concurrent claim
   * waits and then finds it taken). False when it was not.
   */
  claim(tx: Transaction, id: string, paymentId: string, at: Date): Promise<boolean>;
  /** Completed payments to the merchant through credentials, newest first; limit + 1 rows. */
  listMerchantPayments(merchantId: string, filter: { checkoutId?: string }, limit: number, after?: Cursor): Promise<MerchantPayment[]>;
  findMerchantPayment(merchantId: string, paymentId: string): Promise<MerchantPayment | null>;
}
