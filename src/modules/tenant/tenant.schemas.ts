import { z } from 'zod';
import { pageQuery } from '../../shared/pagination';
import { tenantCredentialsSchema, tenantSettingsSchema } from '../../shared/tenant-settings';
import type { Branding } from './own-tenant.service';
import { TENANT_STATUSES, type Tenant } from './tenant.repository';

export { tenantCredentialsSchema };

const sections = tenantSettingsSchema.shape;

/** A tenant's whole settings (docs/tenants.md): every section optional. */
export const tenantSettingsBody = tenantSettingsSchema.meta({ id: 'TenantSettings' });

const settingsPatch = z
  .object({
    rateLimits: sections.rateLimits.unwrap().nullable().optional(),
    currencies: sections.currencies.unwrap().nullable().optional(),
    fourEyes: sections.fourEyes.unwrap().nullable().optional(),
    webhooks: sections.webhooks.unwrap().nullable().optional(),
    payments: sections.payments.unwrap().nullable().optional(),
    branding: sections.branding.unwrap().nullable().optional(),
  })
  .strict();

/** A change to the settings: a section given replaces that section, null removes it, an absent one stays. */
export const tenantSettingsPatchBody = settingsPatch.meta({ id: 'TenantSettingsPatch' });

/**
 * What a tenant's own admins may change. Not the controls set over them: its rate limits (capacity
 * shared with every tenant), four-eyes limits (which guard the tenant against one operator) and
 * card processor are the platform's.
 */
export const ownTenantSettingsPatchBody = settingsPatch
  .pick({ currencies: true, webhooks: true, branding: true })
  .strict()
  .meta({ id: 'OwnTenantSettingsPatch' });

// RFC 1123 labels of 1 to 63 characters, kept in lower case (at most 253 in all: the max below).
// No lookahead: the OpenAPI pattern is also what generated clients and the fuzz test build from.
const HOSTNAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const HOSTNAMES_MAX = 20;

const hostnames = z
  .array(z.string().max(253).toLowerCase().regex(HOSTNAME, 'must be a host name (letters, digits, hyphens and dots), without a port'))
  .max(HOSTNAMES_MAX)
  .refine((list) => new Set(list).size === list.length, 'must not repeat a host name')
  .meta({ description: 'Host names whose public routes (sign-up, login, branding) serve this tenant', example: ['pay.acme.example'] });

const name = z.string().trim().min(1).max(100).meta({ example: 'Acme Payments' });

// As POST /admin/users: operators can move money.
const firstAdmin = z
  .object({
    email: z.email().max(254),
    password: z
      .string()
      .min(12)
      .max(128)
      .refine((p) => new Set(p).size >= 6, 'is too repetitive: use at least 6 different characters'),
  })
  .strict()
  .meta({ description: "The tenant's first admin, created inside the new tenant" });

export const createTenantBody = z
  .object({ name, settings: tenantSettingsBody.optional(), hostnames: hostnames.optional(), admin: firstAdmin.optional() })
  .strict();

export const updateTenantBody = z
  .object({
    name: name.optional(),
    status: z.enum(TENANT_STATUSES).optional().meta({ description: "suspended: every request of the tenant's callers is refused" }),
    settings: tenantSettingsPatchBody.optional(),
    hostnames: hostnames.optional().meta({ description: 'Replaces the whole list' }),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'give at least one of name, status, settings, hostnames');

export const tenantListQuery = pageQuery.strict();

/** bigint amounts of the settings (four-eyes thresholds) go out as strings of digits, as they came in. */
const settingsView = z.record(z.string(), z.unknown()).meta({ description: 'As TenantSettings; amounts are strings of digits' });

export const tenantView = z
  .object({
    id: z.string().meta({ example: 'ten_3f9c2a71d04b5e86' }),
    name: z.string(),
    status: z.enum(TENANT_STATUSES),
    settings: settingsView,
    hostnames: z.array(z.string()),
    credentialsSet: z.array(z.string()).meta({ description: 'Which provider credentials are set; their values are never shown' }),
    createdAt: z.string().meta({ format: 'date-time' }),
    updatedAt: z.string().meta({ format: 'date-time' }),
  })
  .meta({ id: 'Tenant' });

export const createdTenantView = z
  .object({ tenant: tenantView, admin: z.object({ id: z.string(), email: z.string() }).optional() })
  .meta({ id: 'CreatedTenant' });

export const tenantPageView = z.object({ data: z.array(tenantView), nextCursor: z.string().nullable() });

export const brandingView = z
  .object({
    name: z.string().meta({ description: "The branding's name, or the tenant's own" }),
    logoUrl: z.string().optional(),
    primaryColor: z.string().optional(),
    accentColor: z.string().optional(),
  })
  .meta({ id: 'TenantBranding' });

export function toTenantView(t: Tenant) {
  return {
    id: t.id,
    name: t.name,
    status: t.status,
    settings: t.settings,
    hostnames: t.hostnames,
    credentialsSet: t.credentialNames,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

export function toBrandingView(b: Branding) {
  return {
    name: b.name,
    ...(b.logoUrl ? { logoUrl: b.logoUrl } : {}),
    ...(b.primaryColor ? { primaryColor: b.primaryColor } : {}),
    ...(b.accentColor ? { accentColor: b.accentColor } : {}),
  };
}
