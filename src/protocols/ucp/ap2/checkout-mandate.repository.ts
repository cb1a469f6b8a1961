import type { Transaction } from '../../../shared/transaction';

/** One use of a checkout mandate, recorded by the transaction that completes the checkout. */
export interface MandateUse {
  mandateHash: string;
  merchantId: string;
  checkoutId: string;
}

/** Mandates already spent. Replay is refused by the primary key, never by reading first. */
export interface UsedMandateRepository {
  /** Inserts the use in the caller's transaction; false when the hash is already there. */
  insertUse(tx: Transaction, use: MandateUse): Promise<boolean>;
}

/** The owner mandate keys the agent module holds (its index exports the lookup). */
export interface OwnerMandateKeyLookup {
  findOwnerMandateKey(kid: string): Promise<{ kid: string; ownerId: string; publicJwk: Record<string, unknown> } | null>;
}

/** The merchant module's signing service: only it can tell whether a signature is the merchant's own. */
export interface MerchantAuthorizationCheck {
  verifyOwnAuthorization(merchantId: string, jws: string, checkoutWithoutAp2: Record<string, unknown>): Promise<boolean>;
}
