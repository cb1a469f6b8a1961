import { z } from 'zod';
import { Forbidden } from './errors';
import { currencyCode, nonNegativeAmount } from './money/money';

/** The tenant every row existing before multi-tenancy belongs to, and the one a bare host name serves. */
export const DEFAULT_TENANT_ID = 'ten_default';

/**
 * A tenant's own configuration (docs/tenants.md), kept in tenants.settings and validated with this
 * schema on the way in. Every part is optional: what a tenant leaves out falls back to the service's
 * settings (the environment), so the default tenant behaves exactly as a single-tenant OCP.
 */
export const tenantSettingsSchema = z
  .object({
    /** Per-tenant request budgets within RATE_LIMIT_WINDOW_MS (the same limiters, counted per tenant). */
    rateLimits: z
      .object({
        globalMax: z.number().int().min(1).max(1_000_000).optional(),
        userMax: z.number().int().min(1).max(1_000_000).optional(),
        paymentMax: z.number().int().min(1).max(1_000_000).optional(),
      })
      .strict()
      .optional(),
    /** The only currencies wallets may be opened in; absent: every currency OCP supports. */
    currencies: z.array(currencyCode).min(1).max(50).optional(),
    /** Four-eyes thresholds and daily self-approval limits in minor units (as the REFUND_/ADJUSTMENT_ settings). */
    fourEyes: z
      .object({
        refundThresholdMinor: nonNegativeAmount.optional(),
        refundDailyLimitMinor: nonNegativeAmount.optional(),
        adjustmentThresholdMinor: nonNegativeAmount.optional(),
        adjustmentDailyLimitMinor: nonNegativeAmount.optional(),
      })
      .strict()
      .optional(),
    /** Webhook delivery for this tenant's endpoints. */
    webhooks: z
      .object({
        maxAttempts: z.number().int().min(1).max(30).optional(),
        timeoutMs: z.number().int().min(1_000).max(60_000).optional(),
      })
      .strict()
      .optional(),
    /** Which card processor charges this tenant's cards; its credentials are stored apart, encrypted. */
    payments: z
      .object({ processor: z.enum(['sandbox', 'stripe']) })
      .strict()
      .optional(),
    /** Shown by the admin dashboard and any hosted page. */
    branding: z
      .object({
        name: z.string().trim().min(1).max(100),
        logoUrl: z
          .url({ protocol: /^https$/ })
          .max(2_048)
          .optional(),
        primaryColor: z
          .string()
          .regex(/^#[0-9a-fA-F]{6}$/)
          .optional(),
        accentColor: z
          .string()
          .regex(/^#[0-9a-fA-F]{6}$/)
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type TenantSettings = z.infer<typeof tenantSettingsSchema>;

/** A tenant's secrets for its providers: written once, kept encrypted, never shown again. */
export const tenantCredentialsSchema = z
  .object({
    stripeSecretKey: z.string().min(1).max(500).optional(),
  })
  .strict();

export type TenantCredentials = z.infer<typeof tenantCredentialsSchema>;

/**
 * Reads a tenant's configuration for the modules that follow it. Cached in each process and
 * invalidated on change through pub/sub, so asking on every request costs a map lookup.
 */
export interface TenantConfiguration {
  settingsOf(tenantId: string): Promise<TenantSettings>;
  credentialsOf(tenantId: string): Promise<TenantCredentials>;
}

/**
 * No tenant sets anything: every setting is the environment's. What the composition root uses
 * until a TenantConfiguration is given, so a single-tenant OCP (and every test without tenants)
 * behaves exactly as before tenants.
 */
export const ENVIRONMENT_ONLY: TenantConfiguration = {
  settingsOf: () => Promise.resolve({}),
  credentialsOf: () => Promise.resolve({}),
};

/** A tenant's status, cached per process (the tenant module's configuration): a map lookup on most calls. */
export interface TenantStatusLookup {
  /** undefined: no such tenant. */
  statusOf(tenantId: string): Promise<'active' | 'suspended' | undefined>;
}

/**
 * What every entry asks before serving a tenant's users, API clients and agents (docs/tenants.md):
 * Forbidden tenant_suspended unless the tenant is active. The default tenant cannot be suspended,
 * so it is not even looked up.
 */
export async function assertTenantActive(tenants: TenantStatusLookup, tenantId: string): Promise<void> {
  if (tenantId === DEFAULT_TENANT_ID) return;
  if ((await tenants.statusOf(tenantId)) !== 'active') throw new Forbidden('This tenant is suspended', 'tenant_suspended');
}
