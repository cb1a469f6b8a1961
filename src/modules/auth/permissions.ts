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
  'payment:write',
] as const;

export const ADMIN_PERMISSIONS = [
  'admin:users:write',
  'admin:api-clients:write',
  'admin:wallets:adjust',
] as const;

/** What an API client (server-to-server) may be granted. Admin powers are never grantable. */
export const GRANTABLE_PERMISSIONS = USER_PERMISSIONS;

export type Permission = (typeof USER_PERMISSIONS)[number] | (typeof ADMIN_PERMISSIONS)[number];

export function permissionsForUserRole(role: 'user' | 'admin'): string[] {
  return role === 'admin' ? [...USER_PERMISSIONS, ...ADMIN_PERMISSIONS] : [...USER_PERMISSIONS];
}
