// The auth module's public surface: what other modules, the container, the app and the scripts may use.
// The SQL adapters, the token issuer and the revocation markers are private to the module.
export { createAuthModule } from './auth.module';
export { authRoutes } from './auth.routes';
// The token endpoint as an OAuth 2.0 authorization server (RFC 8414 metadata, RFC 6749 client_credentials form).
export { oauthRoutes } from './oauth.routes';
export type { AuthService } from './auth.service';
export type { LoginLocks } from './login-locks';
// Agents' credentials are stored by the agent module, under this port and client-id prefix.
export { AGENT_CLIENT_ID_PREFIX, type AgentCredentialStore } from './agent-credentials';
export { ADMIN_ROLES, type AdminRole } from './permissions';
export { assertAcceptablePassword, isCommonPassword } from './password-policy';
// The API-client shapes the admin routes reuse.
export { apiClientView, createApiClientBody } from './auth.schemas';
