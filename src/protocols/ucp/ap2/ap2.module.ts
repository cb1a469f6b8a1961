import type { MerchantAuthorizationCheck, OwnerMandateKeyLookup, UsedMandateRepository } from './checkout-mandate.repository';
import { CheckoutMandateService } from './checkout-mandate.service';

export interface Ap2ModuleDeps {
  /** The agent module's mandate keys. */
  ownerKeys: OwnerMandateKeyLookup;
  /** The merchant module's signing service. */
  merchantSigning: MerchantAuthorizationCheck;
  /** The merchant module's record of used mandates (its SQL adapter). */
  usedMandates: UsedMandateRepository;
}

/** The AP2 checkout-mandate verifier over the agent and merchant modules' ports. */
export function createAp2Module(d: Ap2ModuleDeps) {
  return { checkoutMandates: new CheckoutMandateService(d.ownerKeys, d.merchantSigning, d.usedMandates) };
}

export type Ap2Module = ReturnType<typeof createAp2Module>;
