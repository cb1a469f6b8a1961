import { inTenant } from '../../src/infra/tenant-scope';
import type { TenantConfiguration, TenantCredentials, TenantSettings } from '../../src/shared/tenant-settings';
import { uniqueEmail, type TestApp } from './test-app';

/** The second tenant of the per-tenant tests; the first is ten_default. */
export const TENANT_B = 'ten_b';

/**
 * The TenantConfiguration port in memory: what a test sets is what the app reads, at once (the real
 * one caches each tenant's row and hears of changes). Counts reads, so a test can see who asks.
 */
export class MemoryTenantConfiguration implements TenantConfiguration {
  private readonly settings = new Map<string, TenantSettings>();
  private readonly credentials = new Map<string, TenantCredentials>();
  reads = 0;

  set(tenantId: string, settings: TenantSettings): this {
    this.settings.set(tenantId, settings);
    return this;
  }

  setCredentials(tenantId: string, credentials: TenantCredentials): this {
    this.credentials.set(tenantId, credentials);
    return this;
  }

  settingsOf(tenantId: string): Promise<TenantSettings> {
    this.reads += 1;
    return Promise.resolve(this.settings.get(tenantId) ?? {});
  }

  credentialsOf(tenantId: string): Promise<TenantCredentials> {
    return Promise.resolve(this.credentials.get(tenantId) ?? {});
  }
}

const PASSWORD = 'correct-horse-battery';

/**
 * A user of another tenant, registered inside that tenant (its row carries the tenant) with tokens
 * that name it (claim tid), as the tenant's own sign-up would give.
 */
export async function registerTenantUser(t: TestApp, tenantId: string, role: 'user' | 'admin' = 'user', email = uniqueEmail(role)) {
  const registered = await inTenant(tenantId, () => t.container.services.auth.register(email, PASSWORD, role));
  return {
    id: registered.user.id,
    email,
    accessToken: registered.accessToken,
    refreshToken: registered.refreshToken,
    auth: { Authorization: `Bearer ${registered.accessToken}` },
  };
}
