// The merchant module's public surface: what the container, the app and the UCP edge use. The SQL
// adapters, the other ports and the access checks are private to it; add a name here when another
// module needs it.
export { createMerchantModule, type MerchantModule } from './merchant.module';
export { merchantRoutes } from './merchant.routes';
export { catalogRoutes } from './catalog.routes';
export { orderRoutes } from './checkout/order.routes';
// The port the auth module's API clients implement for merchants.
export type { MerchantApiClientRecord, MerchantCredentials, PublicMerchant } from './merchant.service';
// UCP checkout sessions (the protocol edge in src/protocols/ucp calls these services).
export type { CheckoutService } from './checkout/checkout.service';
export type { CheckoutCompletionService, CompleteHooks, CompleteInstrument } from './checkout/checkout-completion.service';
export type { CheckoutResult, WriteHooks } from './checkout/checkout-state';
export type { CheckoutRequest, RequestedLine } from './checkout/checkout-pricing';
export type { CheckoutPayment, CheckoutPaymentRequest, CheckoutPayments } from './checkout/checkout-payments';
export type { Buyer, CheckoutLine, CheckoutMessage, CheckoutSession, CheckoutStatus, Order } from './checkout/checkout.repository';
// What the UCP checkout edge and the AP2 verifier use: sign a checkout, check our own signature, publish the keys.
export type { MerchantSigningService, PublicSigningKey } from './merchant-signing.service';
