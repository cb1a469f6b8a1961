export const ROLES = ['user', 'agent', 'service', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, as proven by a verified access token. */
export interface Principal {
  /** Subject: a user id, agent id or API client id. */
  sub: string;
  role: Role;
  permissions: readonly string[];
  /** For agents and merchants' API clients: the user who owns them (locking that user stops them too). */
  ownerId?: string;
  /** For agents: the version of the credentials the token was issued under (rotation counts it up). */
  credentialsVersion?: number;
  /** For a merchant's API clients: the one merchant the token may act for. */
  merchantId?: string;
  /** The caller's tenant (docs/tenants.md). */
  tenantId: string;
  /** The token's `jti`, when it has one: logout denylists it until `tokenExpiresAtMs`. */
  tokenId?: string;
  /** When the token this principal came from expires (ms since the epoch). */
  tokenExpiresAtMs?: number;
}

export function hasPermission(principal: Principal, permission: string): boolean {
  return principal.permissions.includes(permission);
}
