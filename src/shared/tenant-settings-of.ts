import { currentTenantId, DEFAULT_TENANT_ID } from '../infra/tenant-scope';
import type { TenantConfiguration } from './tenant-settings';

/**
 * No tenant sets anything: every setting is the environment's. What the composition root uses
 * until a TenantConfiguration is given, so a single-tenant OCP (and every test without tenants)
 * behaves exactly as before tenants.
 */
export const ENVIRONMENT_ONLY: TenantConfiguration = {
  settingsOf: () => Promise.resolve({}),
  credentialsOf: () => Promise.resolve({}),
};

/**
 * The tenant whose settings apply to what runs now: the request's (or the item's, inside inTenant),
 * and the default tenant outside any (scripts, start-up, tests calling services directly).
 */
export function settingsTenant(): string {
  return currentTenantId() || DEFAULT_TENANT_ID;
}
