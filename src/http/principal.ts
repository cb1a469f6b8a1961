export const ROLES = ['user', 'agent', 'service', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, as proven by a verified access token. */
export interface Principal {
  /** Subject: a user id, agent id or API client id. */
  sub: string;
  role: Role;
  permissions: readonly string[];
  /** For agents: the user who owns the agent. */
  ownerId?: string;
  /** For agents: the version of the credentials the token was issued under (rotation counts it up). */
  credentialsVersion?: number;
}

export function hasPermission(principal: Principal, permission: string): boolean {
  return principal.permissions.includes(permission);
}
