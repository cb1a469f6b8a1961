/** What the dashboard reads from an access token: enough to shape the page, never to trust (the API checks). */
export interface Claims {
  sub: string;
  role: string;
  permissions: string[];
  /** Epoch milliseconds. */
  expiresAt: number | undefined;
}

/** The token's payload, decoded without verifying it: the server verifies on every call. */
export function readClaims(accessToken: string): Claims | undefined {
  const payload = accessToken.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = new TextDecoder().decode(base64UrlBytes(payload));
    const body = JSON.parse(json) as { sub?: unknown; role?: unknown; permissions?: unknown; exp?: unknown };
    return {
      sub: typeof body.sub === 'string' ? body.sub : '',
      role: typeof body.role === 'string' ? body.role : '',
      permissions: Array.isArray(body.permissions) ? body.permissions.filter((p): p is string => typeof p === 'string') : [],
      expiresAt: typeof body.exp === 'number' ? body.exp * 1000 : undefined,
    };
  } catch {
    return undefined;
  }
}

/** Operators hold at least one admin permission; customers and merchants hold none. */
export function isOperator(claims: Claims): boolean {
  return claims.permissions.some((p) => p.startsWith('admin:'));
}

function base64UrlBytes(text: string): Uint8Array {
  const base64 = text
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(text.length / 4) * 4, '=');
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}
