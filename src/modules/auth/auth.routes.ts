import type { Api } from '../../http/api';
import type { AuthService } from './auth.service';
import {
  accessTokenView,
  clientCredentialsBody,
  credentialsBody,
  loginBody,
  logoutBody,
  refreshBody,
  tokenPairView,
  userView,
} from './auth.schemas';

const tags = ['auth'];

export function authRoutes(api: Api, auth: AuthService): void {
  api.route({
    method: 'post',
    path: '/auth/register',
    summary: 'Create a user account',
    tags,
    public: true,
    body: credentialsBody,
    responses: { 201: { description: 'The user and a token pair', schema: tokenPairView.extend({ user: userView }) } },
    handler: async ({ body, ip }) => ({ status: 201, body: await auth.register(body.email, body.password, 'user', ip) }),
  });

  api.route({
    method: 'post',
    path: '/auth/login',
    summary: 'Exchange email and password for a token pair',
    tags,
    public: true,
    body: loginBody,
    responses: { 200: { description: 'A token pair', schema: tokenPairView } },
    handler: async ({ body, ip }) => ({ status: 200, body: await auth.login(body.email, body.password, ip) }),
  });

  api.route({
    method: 'post',
    path: '/auth/refresh',
    summary: 'Rotate a refresh token',
    tags,
    public: true,
    body: refreshBody,
    responses: { 200: { description: 'A new token pair; the old refresh token is spent', schema: tokenPairView } },
    handler: async ({ body, ip }) => ({ status: 200, body: await auth.refresh(body.refreshToken, ip) }),
  });

  api.route({
    method: 'post',
    path: '/auth/logout',
    summary: "Deny the presented access token at once and end one session (refresh token family) or all of the caller's sessions",
    tags,
    body: logoutBody,
    responses: { 204: { description: 'Signed out' } },
    handler: async ({ body, principal }) => {
      await auth.logout(principal, body.refreshToken);
      return { status: 204 };
    },
  });

  api.route({
    method: 'post',
    path: '/auth/token',
    summary:
      'Server-to-server: exchange client credentials for an access token. Also takes the RFC 6749 client_credentials form (application/x-www-form-urlencoded, HTTP Basic or client_id/client_secret), answered in RFC 6749 terms',
    tags,
    public: true,
    body: clientCredentialsBody,
    responses: { 200: { description: 'A short-lived access token', schema: accessTokenView } },
    handler: async ({ body }) => ({
      status: 200,
      body: await auth.exchangeClientCredentials(body.clientId, body.clientSecret),
    }),
  });
  // /admin/api-clients routes live in the admin module, which audits them.
}
