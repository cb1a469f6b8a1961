// The merchant module's public surface: what the container and the app use. The SQL adapter, the
// other ports and the access checks are private to it; add a name here when another module needs it.
export { createMerchantModule, type MerchantModule } from './merchant.module';
export { merchantRoutes } from './merchant.routes';
export { catalogRoutes } from './catalog.routes';
// The port the auth module's API clients implement for merchants.
export type { MerchantApiClientRecord, MerchantCredentials } from './merchant.service';
// What the UCP checkout edge and the AP2 verifier use: sign a checkout, check our own signature, publish the keys.
export type { MerchantSigningService, PublicSigningKey } from './merchant-signing.service';
