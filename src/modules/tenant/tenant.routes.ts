import type { Api } from '../../http/api';
import { ownTenantRoutes } from './routes/own-tenant.routes';
import { platformTenantRoutes } from './routes/platform.routes';
import type { TenantModule } from './tenant.module';

/** Every tenant route: the platform's, a tenant admin's own, and the public branding. */
export function tenantRoutes(api: Api, tenants: TenantModule): void {
  platformTenantRoutes(api, tenants.platform);
  ownTenantRoutes(api, tenants.own);
}
