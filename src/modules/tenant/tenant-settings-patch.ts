import type { TenantSettings } from '../../shared/tenant-settings';

/**
 * A change to a tenant's settings, section by section: a section given replaces that section, null
 * removes it (back to the service's defaults), an absent one stays as it is.
 */
export type TenantSettingsPatch = { [K in keyof TenantSettings]?: TenantSettings[K] | null };

export function patchedSettings(current: TenantSettings, patch: TenantSettingsPatch): TenantSettings {
  const next: Record<string, unknown> = { ...current };
  for (const [section, value] of Object.entries(patch)) {
    if (value === null) delete next[section];
    else if (value !== undefined) next[section] = value;
  }
  return next as TenantSettings;
}

/** A tenant as the audit log records it: what an operator changed, never its credentials. */
export function auditedTenant(t: { name: string; status: string; settings: TenantSettings; hostnames: string[] }) {
  return { name: t.name, status: t.status, settings: t.settings, hostnames: t.hostnames };
}
