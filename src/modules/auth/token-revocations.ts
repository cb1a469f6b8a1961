import type { Cache } from '../../infra/cache/cache';
import type { Logger } from '../../infra/logger';
import { inSystemScope } from '../../infra/tenant-scope';
import type { Principal } from '../../shared/principal';

/** Where API-client revocations are recorded (api_clients.revoked_at). */
export interface RevocationRecords {
  isClientRevoked(apiClientId: string): Promise<boolean>;
  /** The API clients revoked within the last `withinMs`. */
  clientsRevokedWithin(withinMs: number): Promise<string[]>;
}

/**
 * Access tokens stopped before they expire, asked on every authenticated request (the verified
 * principal is remembered in-process, so this is where a revocation takes effect). One cache read
 * per marker that could deny the principal, grouped with the other requests' reads:
 *
 * - any token, by its `jti`, after logout: the marker lives until the token's own `exp`. Logout
 *   denies the token it was called with (a user's, an admin's, an API client's or an agent's); a
 *   user's other sessions' access tokens (when no refresh token is given, every refresh family
 *   ends) run out within JWT_ACCESS_TTL_SECONDS.
 * - an API client's (`service`) tokens, by one marker per client after an admin revokes it: a
 *   revoked client gets no new tokens, so the marker only has to outlive the access-token TTL.
 *
 * An agent's status (suspension, revocation, rotated credentials) is asked on every request apart.
 * The cache is Redis when REDIS_URL is set, so every instance sees a revocation at once; the
 * in-memory cache serves one process and is refilled with the revoked clients at start-up, but the
 * denied `jti`s of a restarted single process are forgotten (they still expire on their own).
 * When the cache cannot answer, a service token is checked against the database; a user's token
 * is let through with a warning (denying every user while the cache is down would be worse).
 */
export class TokenRevocations {
  constructor(
    private readonly cache: Cache,
    private readonly records: RevocationRecords,
    private readonly accessTtlMs: number,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async isRevoked(principal: Principal): Promise<boolean> {
    const keys = this.keysFor(principal);
    if (keys.length === 0) return false;
    try {
      const markers = await Promise.all(keys.map((key) => this.cache.get(key)));
      return markers.some((marker) => marker !== null);
    } catch (error) {
      this.logger.warn('token-revocation cache unavailable', { error, role: principal.role });
      if (principal.role !== 'service') return false;
      return this.records.isClientRevoked(principal.sub);
    }
  }

  /** Denies one access token (by its `jti`) until it expires. A token without a `jti` cannot be. */
  async revokeToken(principal: Principal): Promise<void> {
    if (!principal.tokenId || !principal.tokenExpiresAtMs) return;
    const ttlMs = principal.tokenExpiresAtMs - this.now();
    if (ttlMs > 0) await this.cache.set(tokenKey(principal.tokenId), '1', ttlMs);
  }

  /** Denies every token issued to an API client so far. */
  async revokeClient(apiClientId: string): Promise<void> {
    await this.cache.set(clientKey(apiClientId), '1', this.accessTtlMs);
  }

  /**
   * At start-up (an in-memory cache starts empty) and after a cache recovery: markers for clients
   * revoked recently enough to matter, of every tenant (client ids are unique everywhere).
   */
  async warm(): Promise<void> {
    for (const id of await inSystemScope(() => this.records.clientsRevokedWithin(this.accessTtlMs))) await this.revokeClient(id);
  }

  private keysFor(principal: Principal): string[] {
    const keys = principal.tokenId ? [tokenKey(principal.tokenId)] : [];
    return principal.role === 'service' ? [clientKey(principal.sub), ...keys] : keys;
  }
}

const tokenKey = (jti: string) => `auth:revoked-token:${jti}`;
const clientKey = (apiClientId: string) => `auth:revoked-client:${apiClientId}`;
