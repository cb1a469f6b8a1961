// The merchant module's public surface: what the container, the app and (with the rest of issue #16)
// the UCP business endpoint may use. The SQL adapter and the access checks are private to it.
export { createMerchantModule, type MerchantModule } from './merchant.module';
export { merchantRoutes } from './merchant.routes';
export { catalogRoutes } from './catalog.routes';
export type { MerchantService, PublicMerchant, MerchantCredentials, MerchantWallets } from './merchant.service';
export type { CatalogService } from './catalog.service';
export type { Merchant, Product } from './merchant.repository';
