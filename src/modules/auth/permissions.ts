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
  'web3:read',
  'web3:write',
  'web3:send',
  'payment:write',
] as const;

export const ADMIN_PERMISSIONS = [
  'admin:users:write',
  'admin:api-clients:write',
  'admin:wallets:adjust',
] as const;

/** A person managing their own AI agents; never granted to API clients or agents themselves. */
export const OWNER_PERMISSIONS = ['agent:manage'] as const;

/** All an agent's token carries: it reaches agent routes only, never owner or admin routes. */
export const AGENT_PERMISSIONS = ['agent:pay'] as const;

/** What an API client (server-to-server) may be granted. Admin powers are never grantable. */
export const GRANTABLE_PERMISSIONS = USER_PERMISSIONS;

export type Permission =
  | (typeof USER_PERMISSIONS)[number]
  | (typeof ADMIN_PERMISSIONS)[number]
  | (typeof OWNER_PERMISSIONS)[number]
  | (typeof AGENT_PERMISSIONS)[number];

export function permissionsForUserRole(role: 'user' | 'admin'): string[] {
  const own = [...USER_PERMISSIONS, ...OWNER_PERMISSIONS];
  return role === 'admin' ? [...own, ...ADMIN_PERMISSIONS] : own;
}
