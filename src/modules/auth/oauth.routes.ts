import express, { type Request, type RequestHandler, type Response } from 'express';
import type { Api } from '../../http/api';
import { assertCleanInput } from '../../http/input-guard';
import { isCleanText } from '../../shared/clean-text';
import { AppError } from '../../shared/errors';
import type { AuthService } from './auth.service';
import { authorizationServerMetadataView, authorizeQuery, oauthErrorView, type TokenForm } from './oauth.schemas';

export const AUTHORIZATION_SERVER_METADATA_PATH = '/oauth-authorization-server';
const TOKEN_PATH = '/auth/token';
const AUTHORIZE_PATH = '/auth/authorize';
const FORM = 'application/x-www-form-urlencoded';
const CLIENT_ID_MAX = 128;
const CLIENT_SECRET_MAX = 256;
/** RFC 7617; the scheme name is case-insensitive (RFC 7235 §2.1). */
const BASIC = /^Basic ([A-Za-z0-9+/]+=*)$/i;

export interface OAuthSettings {
  /** The issuer: PUBLIC_BASE_URL. */
  publicBaseUrl: string;
  /** The resources (RFC 8707) a token may be asked for: those OCP's protected-resource metadata names. */
  resources: string[];
  bodyLimitBytes: number;
}

/**
 * OCP's token endpoint as an OAuth 2.0 authorization server for the client_credentials grant, so an
 * MCP client's discovery (MCP authorization, RFC 9728 then RFC 8414) ends at a token that works at
 * /mcp: the RFC 8414 metadata under `wellKnown`, and the RFC 6749 §4.4 form request at
 * POST /auth/token beside its JSON one (which keeps its own contract).
 *
 * Declared before authRoutes: the form handler is registered on the same path first and hands any
 * other content type on to the JSON route.
 */
export function oauthRoutes(api: Api, wellKnown: Api, auth: AuthService, settings: OAuthSettings): void {
  const apiBase = settings.publicBaseUrl + api.basePath;
  const metadata = {
    issuer: settings.publicBaseUrl,
    // RFC 8414 lets a server without an authorization endpoint leave it out, but MCP clients (the
    // SDK's OAuthMetadataSchema) require it; the endpoint exists and refuses every response type.
    authorization_endpoint: apiBase + AUTHORIZE_PATH,
    token_endpoint: apiBase + TOKEN_PATH,
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    response_types_supported: [],
  };

  wellKnown.route({
    method: 'get',
    path: AUTHORIZATION_SERVER_METADATA_PATH,
    summary: 'OAuth 2.0 authorization server metadata (RFC 8414): the token endpoint and the client_credentials grant',
    tags: ['auth'],
    public: true,
    responses: { 200: { description: 'The metadata', schema: authorizationServerMetadataView } },
    handler: async () => ({ status: 200, body: metadata }),
  });

  api.route({
    method: 'get',
    path: AUTHORIZE_PATH,
    summary: 'OAuth 2.0 authorization endpoint: OCP serves no response type (clients use client_credentials at /auth/token)',
    tags: ['auth'],
    public: true,
    query: authorizeQuery,
    responses: { 400: { description: 'unsupported_response_type, always (RFC 6749 §4.1.2.1)', schema: oauthErrorView } },
    handler: async () => ({
      status: 400,
      body: {
        error: 'unsupported_response_type',
        error_description: 'OCP issues tokens for the client_credentials grant only, at the token endpoint',
      },
    }),
  });

  const parseForm = express.urlencoded({ extended: false, limit: settings.bodyLimitBytes });
  const exchange = tokenExchange(auth, settings.resources);
  api.router.post(TOKEN_PATH, (req, res, next) => {
    if (!req.is(FORM)) return next();
    res.locals.routeTemplate = req.baseUrl + TOKEN_PATH;
    parseForm(req, res, (error?: unknown) => (error ? next(error) : exchange(req, res, next)));
  });
}

/** A refusal in RFC 6749 §5.2's terms. */
class OAuthRefusal extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
  ) {
    super(description);
  }
}

/** RFC 6749 §4.4: client_credentials, the client authenticated by HTTP Basic or by the form (§2.3.1), never both. */
function tokenExchange(auth: AuthService, resources: readonly string[]): RequestHandler {
  return async (req, res, next) => {
    const basic = /^Basic\s/i.test(req.headers.authorization ?? '');
    try {
      const form = tokenForm(req);
      const client = clientCredentials(req, form);
      if (form.scope) throw new OAuthRefusal('invalid_scope', 'OCP tokens have no scopes: leave scope out');
      if (form.resource !== undefined && !resources.includes(form.resource)) {
        throw new OAuthRefusal('invalid_target', `Tokens are for ${resources.join(' or ')}`);
      }
      const issued = await auth.exchangeClientCredentials(client.id, client.secret);
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Pragma', 'no-cache');
      res.status(200).json({ access_token: issued.accessToken, token_type: 'Bearer', expires_in: issued.expiresIn });
    } catch (error) {
      const refusal = asRefusal(error);
      if (!refusal) return next(error);
      refuse(res, refusal, basic);
    }
  };
}

function tokenForm(req: Request): TokenForm {
  const body = (req.body ?? {}) as Record<string, unknown>;
  try {
    assertCleanInput(body, 'body');
  } catch {
    throw new OAuthRefusal('invalid_request', 'The form holds text that is not allowed (a NUL byte or an unpaired surrogate)');
  }
  const form: TokenForm = {};
  for (const name of ['grant_type', 'client_id', 'client_secret', 'scope', 'resource'] as const) {
    const value = body[name];
    // §3.2: a parameter sent more than once is an invalid request.
    if (Array.isArray(value)) throw new OAuthRefusal('invalid_request', `${name} is given more than once`);
    if (typeof value === 'string' && value !== '') form[name] = value;
  }
  if (form.grant_type === undefined) throw new OAuthRefusal('invalid_request', 'grant_type is required');
  if (form.grant_type !== 'client_credentials') {
    throw new OAuthRefusal('unsupported_grant_type', 'OCP supports the client_credentials grant only');
  }
  return form;
}

function clientCredentials(req: Request, form: TokenForm): { id: string; secret: string } {
  const header = req.headers.authorization;
  const inForm = form.client_id !== undefined || form.client_secret !== undefined;
  let client: { id: string | undefined; secret: string | undefined };
  if (header !== undefined) {
    if (inForm) throw new OAuthRefusal('invalid_request', 'Authenticate the client one way: HTTP Basic or the form, not both');
    client = basicCredentials(header);
  } else {
    client = { id: form.client_id, secret: form.client_secret };
  }
  const { id, secret } = client;
  // The form passed the input guard; the Basic header did not: a NUL in it would reach PostgreSQL.
  if (!id || !secret || id.length > CLIENT_ID_MAX || secret.length > CLIENT_SECRET_MAX || !isCleanText(id) || !isCleanText(secret)) {
    throw new OAuthRefusal('invalid_client', 'Client authentication failed', 401);
  }
  return { id, secret };
}

/** §2.3.1: client_id and client_secret, each form-encoded, as the Basic user and password. */
function basicCredentials(header: string): { id: string | undefined; secret: string | undefined } {
  const match = BASIC.exec(header);
  if (!match) throw new OAuthRefusal('invalid_client', 'Client authentication failed: use HTTP Basic', 401);
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new OAuthRefusal('invalid_client', 'Client authentication failed', 401);
  try {
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw new OAuthRefusal('invalid_client', 'Client authentication failed', 401);
  }
}

/** application/x-www-form-urlencoded decoding. OCP's client ids and secrets hold neither '+' nor '%' either way. */
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/** OCP's refusal of the credentials is invalid_client (§5.2); other errors are not the client's to handle here. */
function asRefusal(error: unknown): OAuthRefusal | undefined {
  if (error instanceof OAuthRefusal) return error;
  if (error instanceof AppError && error.code === 'invalid_client') return new OAuthRefusal('invalid_client', error.message, 401);
  return undefined;
}

/** §5.2: 400, or 401 for invalid_client, with WWW-Authenticate when the client tried HTTP Basic. */
function refuse(res: Response, refusal: OAuthRefusal, basic: boolean): void {
  if (refusal.status === 401 && basic) res.setHeader('WWW-Authenticate', 'Basic realm="OCP"');
  res.setHeader('Cache-Control', 'no-store');
  res.status(refusal.status).json({ error: refusal.error, error_description: refusal.description });
}
