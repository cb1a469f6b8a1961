import type { Request, RequestHandler } from 'express';
import { requestContext, type RequestContext } from '../infra/request-context';
import { normalizedAddress } from '../shared/client-address';
import { Unauthorized } from '../shared/errors';
import type { Principal } from '../shared/principal';

export interface AccessTokenVerifier {
  /** Throws Unauthorized for a token that is malformed, tampered with, expired or revoked. */
  verifyAccessToken(token: string): Promise<Principal>;
}

// The auth scheme is case-insensitive (RFC 7235 §2.1); the token is a JWT's base64url characters.
const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i;

/**
 * Reads `Authorization: Bearer …` once for the whole stack: routes then only ask whether
 * `req.principal` is there. A request without the header goes on anonymous. A bad token is kept in
 * `req.authError` and becomes the 401 of any route that needs a principal; public routes ignore it,
 * so a client that still attaches its expired access token can call /auth/refresh or /auth/login.
 * A person's request (role user) also puts who and its address (req.ip: Express honours TRUST_PROXY,
 * so X-Forwarded-For counts only from a trusted proxy) in the request context, where the risk
 * screen reads it for every movement the request makes (feature new_ip).
 */
/** The address is worked out (req.ip parses the forwarding headers) only when a movement asks for it. */
function clientOf(userId: string, req: Request): NonNullable<RequestContext['client']> {
  let address: string | undefined | null = null;
  return {
    userId,
    get address() {
      if (address === null) address = normalizedAddress(req.ip);
      return address;
    },
  };
}

export function authenticate(verifier: AccessTokenVerifier): RequestHandler {
  return async (req, _res, next) => {
    const header = req.get('authorization');
    if (!header) return next();
    const match = BEARER.exec(header);
    if (!match?.[1]) {
      req.authError = new Unauthorized('Authorization header must be "Bearer <token>"', 'invalid_token');
      return next();
    }
    try {
      const principal = await verifier.verifyAccessToken(match[1]);
      req.principal = principal;
      const context = requestContext.current();
      if (context) {
        // The token's tenant, whatever host it was sent to: its statements see that tenant's rows only.
        context.tenantId = principal.tenantId;
        if (principal.role === 'user') context.client = clientOf(principal.sub, req);
      }
      next();
    } catch (error) {
      if (!(error instanceof Unauthorized)) return next(error);
      req.authError = error;
      next();
    }
  };
}
