// UCP's AP2 extension (pinned spec 2026-01-11): JCS, detached JWS and the business's verification
// of checkout mandates. The UCP checkout edge calls this; the merchant module signs with the pure
// files directly (it must not import this index, which depends on it).
export { canonicalJson } from './canonical-json';
export { signDetached, verifyDetached, type KeyResolver } from './detached-jws';
export { Ap2Refused, type Ap2ErrorCode } from './ap2-errors';
export { CheckoutMandateService, type CheckoutMandateInput, type VerifiedCheckoutMandate } from './checkout-mandate.service';
export type { MandateUse } from './checkout-mandate.repository';
export { createAp2Module, type Ap2Module } from './ap2.module';
