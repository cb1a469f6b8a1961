/**
 * The one table of permissions. A token carries the permissions of its role (users, admins) or
 * the ones it was granted (API clients, agents); routes ask for one permission each.
 */
export const USER_PERMISSIONS = [
  'wallet:read',
  'wallet:write',
  'wallet:transfer',
  'transaction:read',
  'transaction:refund',
  'webhook:manage',
  'token:manage',
  'wallet:fund',
  'wallet:payout',
  'web3:read',
  'web3:write',
  'web3:send',
  'payment:write',
  'refund-request:create',
] as const;

export const ADMIN_PERMISSIONS = [
  'admin:users:write',
  'admin:api-clients:write',
  'admin:wallets:adjust',
  'admin:adjustments:read',
  'admin:wallets:freeze',
  'admin:customers:read',
  'admin:customers:lock',
  'admin:transactions:read',
  'admin:refunds:read',
  'admin:refunds:request',
  'admin:refunds:approve',
  'admin:card-refunds:read',
  'admin:card-refunds:retry',
  'admin:alerts:read',
  'admin:alerts:resolve',
  'admin:analytics:read',
  'admin:audit:read',
  'admin:ledger:verify',
  'admin:webhooks:read',
  'admin:reconciliation:read',
  'admin:reconciliation:write',
  'admin:risk:read',
  'admin:risk:write',
  'admin:tenant:read',
  'admin:tenant:write',
] as const;

/** Managing the tenants themselves (docs/tenants.md): held by the platform_admin role only. */
export const PLATFORM_PERMISSIONS = ['platform:tenants:read', 'platform:tenants:write'] as const;

/** A person managing their own AI agents; never granted to API clients or agents themselves. */
export const OWNER_PERMISSIONS = ['agent:manage'] as const;

/** A person running their merchants: the merchant itself, its catalog and its API clients. */
export const MERCHANT_PERMISSIONS = ['merchant:manage', 'merchant:read', 'merchant:products:write', 'merchant:payments:redeem'] as const;

/**
 * What a merchant's API client is granted, always bound to its one merchant (the token's `mer`
 * claim). Not grantable to the operators' API clients: without a merchant they would reach none.
 */
export const MERCHANT_CLIENT_PERMISSIONS = ['merchant:read', 'merchant:products:write', 'merchant:payments:redeem'] as const;

/** All an agent's token carries: it reaches agent routes only, never owner or admin routes. */
export const AGENT_PERMISSIONS = ['agent:pay'] as const;

/** What an API client (server-to-server) may be granted. Admin powers are never grantable. */
export const GRANTABLE_PERMISSIONS = USER_PERMISSIONS;

export type Permission =
  | (typeof USER_PERMISSIONS)[number]
  | (typeof ADMIN_PERMISSIONS)[number]
  | (typeof PLATFORM_PERMISSIONS)[number]
  | (typeof OWNER_PERMISSIONS)[number]
  | (typeof MERCHANT_PERMISSIONS)[number]
  | (typeof AGENT_PERMISSIONS)[number];

/** The operator roles a tenant's admins grant (POST /admin/users). */
export const ADMIN_ROLES = ['admin', 'support', 'finance', 'auditor'] as const;
/**
 * Runs the platform: a full admin of the default tenant who also manages every tenant. Never granted
 * through the API (`npm run admin:create -- --platform` makes one), and only held in the default
 * tenant (a constraint of migration 0301).
 */
export const PLATFORM_ADMIN_ROLE = 'platform_admin';
export type AdminRole = (typeof ADMIN_ROLES)[number] | typeof PLATFORM_ADMIN_ROLE;

/**
 * What each operator role may do. Only `admin` also holds the user permissions, for wallets of its
 * own: on the customers' routes an operator reaches nobody else's money (the admin routes, with
 * their four-eyes rule and audit log, are the way to it).
 */
export const ADMIN_ROLE_PERMISSIONS: Record<AdminRole, readonly Permission[]> = {
  admin: [...USER_PERMISSIONS, ...OWNER_PERMISSIONS, ...MERCHANT_PERMISSIONS, ...ADMIN_PERMISSIONS],
  platform_admin: [...USER_PERMISSIONS, ...OWNER_PERMISSIONS, ...MERCHANT_PERMISSIONS, ...ADMIN_PERMISSIONS, ...PLATFORM_PERMISSIONS],
  // Front line: finds customers and transactions, stops harm (freeze, lock), opens refund requests.
  support: [
    'admin:customers:read',
    'admin:customers:lock',
    'admin:wallets:freeze',
    'admin:transactions:read',
    'admin:refunds:read',
    'admin:refunds:request',
    'admin:card-refunds:read',
    'admin:alerts:read',
    'admin:alerts:resolve',
    'admin:webhooks:read',
  ],
  // Moves money on the business's behalf: approves refunds, retries failed card refunds, makes
  // adjustments; reads the figures.
  finance: [
    'admin:customers:read',
    'admin:transactions:read',
    'admin:refunds:read',
    'admin:refunds:approve',
    'admin:card-refunds:read',
    'admin:card-refunds:retry',
    'admin:wallets:adjust',
    'admin:adjustments:read',
    'admin:analytics:read',
    'admin:alerts:read',
    'admin:reconciliation:read',
    'admin:reconciliation:write',
    'admin:risk:read',
  ],
  // Reads everything, the audit log included; changes nothing.
  auditor: [
    'admin:customers:read',
    'admin:transactions:read',
    'admin:refunds:read',
    'admin:card-refunds:read',
    'admin:alerts:read',
    'admin:analytics:read',
    'admin:audit:read',
    'admin:adjustments:read',
    'admin:ledger:verify',
    'admin:webhooks:read',
    'admin:reconciliation:read',
    'admin:risk:read',
    'admin:tenant:read',
  ],
};

/** `adminRole` matters for role 'admin' only; an admin without one has the full `admin` role. */
export function permissionsForUserRole(role: 'user' | 'admin', adminRole?: AdminRole | null): string[] {
  return role === 'admin'
    ? [...ADMIN_ROLE_PERMISSIONS[adminRole ?? 'admin']]
    : [...USER_PERMISSIONS, ...OWNER_PERMISSIONS, ...MERCHANT_PERMISSIONS];
}
