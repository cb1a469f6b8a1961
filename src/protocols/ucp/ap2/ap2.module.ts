import { SqlUsedMandateRepository } from './adapters/sql-used-mandates.repository';
import type { MerchantAuthorizationCheck, OwnerMandateKeyLookup } from './checkout-mandate.repository';
import { CheckoutMandateService } from './checkout-mandate.service';

export interface Ap2ModuleDeps {
  /** The agent module's mandate keys. */
  ownerKeys: OwnerMandateKeyLookup;
  /** The merchant module's signing service. */
  merchantSigning: MerchantAuthorizationCheck;
}

/** The AP2 checkout-mandate verifier on the SQL adapter (which runs only in the caller's transaction). */
export function createAp2Module(d: Ap2ModuleDeps) {
  return { checkoutMandates: new CheckoutMandateService(d.ownerKeys, d.merchantSigning, new SqlUsedMandateRepository()) };
}

export type Ap2Module = ReturnType<typeof createAp2Module>;
