// The merchant module's public surface: what the container and the app use. The SQL adapter, the
// services' ports and the access checks are private to it; add a name here when another module needs it.
export { createMerchantModule, type MerchantModule } from './merchant.module';
export { merchantRoutes } from './merchant.routes';
export { catalogRoutes } from './catalog.routes';
