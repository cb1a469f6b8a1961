import type { AuditedActions, OperatorContext } from '../../shared/audited-actions';
import { NotFound } from '../../shared/errors';
import type { CachedTenantConfiguration } from './tenant-configuration';
import { patchedSettings, type TenantSettingsPatch } from './tenant-settings-patch';
import type { Tenant, TenantRepository } from './tenant.repository';

/** What a tenant shows on its pages and the admin dashboard. */
export interface Branding {
  name: string;
  logoUrl?: string;
  primaryColor?: string;
  accentColor?: string;
}

/**
 * A tenant's own view of itself (docs/tenants.md, "Per-tenant settings"): its admins read it and
 * change its settings, never its status, host names or credentials, which are the platform's. These
 * run in the caller's tenant, where row-level security shows that tenant's row alone.
 */
export class OwnTenantService {
  constructor(
    private readonly repo: TenantRepository,
    private readonly configuration: Pick<CachedTenantConfiguration, 'changed' | 'profileOf'>,
    private readonly audit: AuditedActions,
  ) {}

  /** Errors: tenant_not_found. */
  async get(tenantId: string): Promise<Tenant> {
    return (await this.repo.find(tenantId)) ?? tenantNotFound();
  }

  /** Changes the settings section by section, as validated at the edge. Errors: tenant_not_found. */
  async updateSettings(ctx: OperatorContext, tenantId: string, patch: TenantSettingsPatch): Promise<Tenant> {
    const entry = { action: 'tenant.settings.update', targetType: 'tenant', targetId: tenantId };
    const tenant = await this.audit.run(ctx, entry, async (tx) => {
      const before = (await this.repo.find(tenantId, tx)) ?? tenantNotFound();
      const after = (await this.repo.update(tx, tenantId, { settings: patchedSettings(before.settings, patch) }))!;
      return { result: after, before: { settings: before.settings }, after: { settings: after.settings } };
    });
    this.configuration.changed(tenantId);
    return tenant;
  }

  /** The tenant's branding; its name is the tenant's own unless the branding names another. Errors: tenant_not_found. */
  async branding(tenantId: string): Promise<Branding> {
    const profile = (await this.configuration.profileOf(tenantId)) ?? tenantNotFound();
    return { ...profile.settings.branding, name: profile.settings.branding?.name ?? profile.name };
  }
}

function tenantNotFound(): never {
  throw new NotFound('The tenant does not exist', 'tenant_not_found');
}
