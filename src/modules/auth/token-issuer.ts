import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { ROLES, type Principal } from '../../shared/principal';
import { Unauthorized } from '../../shared/errors';
import { DEFAULT_TENANT_ID } from '../../shared/tenant-settings';
import { setBounded } from '../../shared/bounded-map';

const ALGORITHM = 'HS256';
const VERIFIED_TOKENS_MAX = 10_000;
const ISSUER = 'ocp';

const claimsSchema = z.object({
  sub: z.string().min(1),
  role: z.enum(ROLES),
  permissions: z.array(z.string()),
  owner: z.string().optional(),
  cv: z.number().int().positive().optional(),
  mer: z.string().min(1).max(64).optional(),
  jti: z.string().min(1).max(64).optional(),
  tid: z.string().min(1).max(64).optional(),
  iat: z.number(),
  exp: z.number(),
});

/**
 * Signs and verifies access tokens. The key is a KeyObject made once: given a string, jsonwebtoken
 * rebuilds the key on every call, which profiling showed as the largest CPU cost per request.
 */
export class TokenIssuer {
  private readonly key: KeyObject;
  /**
   * Tokens already verified, until they expire: a client sends the same token with every request,
   * and checking its signature and claims each time was a tenth of a request's CPU. Bounded; the
   * oldest entry goes first. Only the exact token string finds its entry.
   */
  private readonly verified = new Map<string, { principal: Principal; expiresAtMs: number }>();

  constructor(
    secret: string,
    readonly accessTtlSeconds: number,
  ) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  sign(principal: Principal, ttlSeconds = this.accessTtlSeconds): string {
    const claims = {
      role: principal.role,
      permissions: principal.permissions,
      ...(principal.ownerId ? { owner: principal.ownerId } : {}),
      ...(principal.credentialsVersion ? { cv: principal.credentialsVersion } : {}),
      ...(principal.merchantId ? { mer: principal.merchantId } : {}),
      tid: principal.tenantId,
    };
    return jwt.sign(claims, this.key, {
      algorithm: ALGORITHM,
      subject: principal.sub,
      issuer: ISSUER,
      // A unique id, so that logout can deny this one token until it expires (token-revocations.ts).
      jwtid: randomBytes(16).toString('base64url'),
      expiresIn: ttlSeconds,
    });
  }

  /** Pins the algorithm (so `alg: none` and key-confusion tokens fail) and enforces `exp`. */
  verify(token: string): Principal {
    const known = this.verified.get(token);
    if (known && known.expiresAtMs > Date.now()) return known.principal;
    const { principal, expiresAtMs } = this.check(token);
    setBounded(this.verified, token, { principal, expiresAtMs }, VERIFIED_TOKENS_MAX);
    return principal;
  }

  private check(token: string): { principal: Principal; expiresAtMs: number } {
    let payload: unknown;
    try {
      payload = jwt.verify(token, this.key, { algorithms: [ALGORITHM], issuer: ISSUER });
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError) throw new Unauthorized('Access token expired', 'token_expired');
      throw new Unauthorized('Access token is invalid', 'invalid_token');
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) throw new Unauthorized('Access token is invalid', 'invalid_token');
    const { sub, role, permissions, owner, cv, mer, jti, tid, exp } = claims.data;
    // Frozen: one principal now serves every request that carries the token.
    const principal: Principal = Object.freeze({
      sub,
      role,
      permissions: Object.freeze(permissions),
      ...(owner ? { ownerId: owner } : {}),
      ...(cv ? { credentialsVersion: cv } : {}),
      ...(mer ? { merchantId: mer } : {}),
      ...(jti ? { tokenId: jti } : {}),
      // A token from before tenants names none: it is the default tenant's.
      tenantId: tid ?? DEFAULT_TENANT_ID,
      tokenExpiresAtMs: exp * 1000,
    });
    return { principal, expiresAtMs: exp * 1000 };
  }
}
