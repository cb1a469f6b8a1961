import type { RequestHandler } from 'express';
import { Unauthorized } from '../shared/errors';
import type { Principal } from './principal';

export interface AccessTokenVerifier {
  /** Throws Unauthorized for a token that is malformed, tampered with, expired or revoked. */
  verifyAccessToken(token: string): Promise<Principal>;
}

/**
 * Reads `Authorization: Bearer …` once for the whole stack: routes then only ask whether
 * `req.principal` is there. A request without the header goes on anonymous; a bad token is a 401.
 */
export function authenticate(verifier: AccessTokenVerifier): RequestHandler {
  return async (req, _res, next) => {
    const header = req.get('authorization');
    if (!header) return next();
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
    if (!match?.[1]) return next(new Unauthorized('Authorization header must be "Bearer <token>"', 'invalid_token'));
    try {
      req.principal = await verifier.verifyAccessToken(match[1]);
      next();
    } catch (error) {
      next(error);
    }
  };
}
