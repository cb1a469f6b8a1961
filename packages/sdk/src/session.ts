import { OcpError } from './errors.js';

/** What a sign-in gives; `refreshToken` is absent for API clients (they sign in again instead). */
export interface OcpTokens {
  accessToken: string;
  refreshToken?: string;
  /** Epoch milliseconds when the access token stops working. */
  expiresAt?: number;
}

/** How the client gets an access token. */
export type OcpAuth =
  | { tokens: OcpTokens }
  /** Server-to-server: an API client's credentials, exchanged (and exchanged again) for tokens. */
  | { clientId: string; clientSecret: string };

/** Refreshes this long before `expiresAt`, so a request does not leave with a token about to lapse. */
const EXPIRY_MARGIN_MS = 30_000;

/**
 * The caller's tokens: attaches them, refreshes them before they lapse or after a 401, and tells the
 * owner of the client when they change (to store them). Concurrent requests share one refresh:
 * a refresh token is single-use, a second refresh with it would end the session.
 */
export class Session {
  private tokens: OcpTokens | undefined;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly baseUrl: string,
    private readonly fetch: typeof globalThis.fetch,
    private auth: OcpAuth | undefined,
    private readonly onTokens: ((tokens: OcpTokens | undefined) => void) | undefined,
  ) {
    if (auth && 'tokens' in auth) this.tokens = auth.tokens;
  }

  current(): OcpTokens | undefined {
    return this.tokens;
  }

  /** The Authorization header for the next request, renewing the token first when it is about to lapse. */
  async authorization(): Promise<string | undefined> {
    if (this.tokens?.expiresAt !== undefined && this.tokens.expiresAt - EXPIRY_MARGIN_MS <= Date.now() && this.canRenew()) {
      await this.renew().catch(() => undefined); // the request goes out with the old token and its 401 says why
    }
    if (!this.tokens && this.auth && 'clientId' in this.auth) await this.renew();
    return this.tokens ? `Bearer ${this.tokens.accessToken}` : undefined;
  }

  /** After a 401: whether a renewed token could make the request succeed. */
  canRenew(): boolean {
    return Boolean(this.tokens?.refreshToken) || Boolean(this.auth && 'clientId' in this.auth);
  }

  /** Gets new tokens (one exchange however many requests ask at once). */
  renew(): Promise<void> {
    this.refreshing ??= this.exchange().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  set(tokens: OcpTokens | undefined): void {
    this.tokens = tokens;
    if (tokens === undefined) this.auth = undefined;
    this.onTokens?.(tokens);
  }

  private async exchange(): Promise<void> {
    const auth = this.auth;
    const refreshToken = this.tokens?.refreshToken;
    if (auth && 'clientId' in auth) {
      this.set(await this.post('/api/v1/auth/token', { clientId: auth.clientId, clientSecret: auth.clientSecret }));
    } else if (refreshToken) {
      const renewed = await this.post('/api/v1/auth/refresh', { refreshToken }).catch((error: unknown) => {
        // A refused refresh token (expired, revoked, used): the session is over, so its owner signs in again.
        if (error instanceof OcpError && error.status === 401) this.set(undefined);
        throw error;
      });
      this.set(renewed);
    }
  }

  private async post(path: string, body: unknown): Promise<OcpTokens> {
    let response: Response;
    try {
      response = await this.fetch(
        new Request(`${this.baseUrl}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      );
    } catch (cause) {
      throw OcpError.network(cause);
    }
    const answer: unknown = await response.json().catch(() => undefined);
    if (!response.ok) throw OcpError.fromResponse(response, answer);
    return tokensFrom(answer as { accessToken: string; refreshToken?: string; expiresIn: number });
  }
}

/** Tokens from a sign-in, refresh or client-credentials answer. */
export function tokensFrom(answer: { accessToken: string; refreshToken?: string; expiresIn: number }): OcpTokens {
  return {
    accessToken: answer.accessToken,
    ...(answer.refreshToken ? { refreshToken: answer.refreshToken } : {}),
    expiresAt: Date.now() + answer.expiresIn * 1000,
  };
}
