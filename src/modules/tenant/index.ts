// The tenant module's public surface (docs/tenants.md): the container builds the configuration
// (read by every module that follows a tenant's settings, and by the HTTP middleware that finds a
// host name's tenant or refuses a suspended one) and the administration; the app mounts the routes.
export { createTenantConfiguration, createTenantModule, type TenantModule } from './tenant.module';
export { tenantRoutes } from './tenant.routes';
export type { CachedTenantConfiguration as TenantDirectory, TenantProfile } from './tenant-configuration';
export type { OperatorAccounts } from './platform-tenant.service';
export type { TenantStatus } from './tenant.repository';
