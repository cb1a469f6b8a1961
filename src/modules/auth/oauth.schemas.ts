import { z } from 'zod';

/** RFC 8414 §2: the metadata OCP publishes about its token endpoint. */
export const authorizationServerMetadataView = z
  .object({
    issuer: z.string(),
    authorization_endpoint: z.string(),
    token_endpoint: z.string(),
    grant_types_supported: z.array(z.string()),
    token_endpoint_auth_methods_supported: z.array(z.string()),
    response_types_supported: z.array(z.string()),
  })
  .meta({ id: 'OAuthAuthorizationServerMetadata' });

/** RFC 6749 §5.2 (and §4.1.2.1 at the authorization endpoint): the error answers of the OAuth paths. */
export const oauthErrorView = z.object({ error: z.string(), error_description: z.string().optional() }).meta({ id: 'OAuthError' });

/** The authorization endpoint's query (RFC 6749 §4.1.1), taken as sent: no response type is served. */
export const authorizeQuery = z
  .object({ response_type: z.string().optional(), client_id: z.string().optional(), redirect_uri: z.string().optional() })
  .loose();

/** RFC 6749 §4.4.2: the form of a client_credentials token request (client_id/client_secret for client_secret_post). */
export interface TokenForm {
  grant_type?: string;
  client_id?: string;
  client_secret?: string;
  scope?: string;
  resource?: string;
}
