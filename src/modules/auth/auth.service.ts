import type { Transaction, TransactionRunner } from '../../shared/transaction';
import { newId } from '../../infra/crypto/ids';
import { hashPassword, verifyPassword, type ScryptCost } from '../../infra/crypto/passwords';
import type { Logger } from '../../infra/logger';
import { inTenant } from '../../infra/tenant-scope';
import type { Principal } from '../../shared/principal';
import { Conflict, Unauthorized } from '../../shared/errors';
import { DEFAULT_TENANT_ID, type TenantStatusLookup } from '../../shared/tenant-settings';
import { EmailTaken, type AuthRepository, type User, type UserRole } from './auth.repository';
import type { AgentCredentialStore } from './agent-credentials';
import { ClientCredentials } from './client-credentials';
import type { TokenIssuer } from './token-issuer';
import { accountLocked, type LoginLocks } from './login-locks';
import { assertAcceptablePassword } from './password-policy';
import type { TokenRevocations } from './token-revocations';
import { UserSessions, type TokenPair } from './user-sessions';

export interface PublicUser {
  id: string;
  email: string;
  role: UserRole;
  createdAt: Date;
}

export interface AuthServiceOptions {
  refreshTtlSeconds: number;
  /** Locked logins (admin customer management); without it no login is ever locked. */
  locks?: LoginLocks;
  /** Logout and API-client revocation stop access tokens already issued; without it they run until `exp`. */
  revocations?: TokenRevocations;
  /** scrypt cost of new password hashes; the default (2^15) unless config lowers it for tests. */
  passwordCost?: ScryptCost;
  /** Tenants' status: a suspended tenant's refresh tokens and credentials get no new access token. */
  tenants?: TenantStatusLookup;
}

const toPublicUser = ({ id, email, role, createdAt }: User): PublicUser => ({ id, email, role, createdAt });

export class AuthService {
  // Compared against when the email is unknown, so a login takes as long either way: hence the same cost as new hashes.
  private readonly dummyHash: Promise<string>;
  private readonly sessions: UserSessions;
  private readonly clientCredentials: ClientCredentials;

  constructor(
    db: TransactionRunner,
    private readonly repo: AuthRepository,
    private readonly tokens: TokenIssuer,
    private readonly logger: Logger,
    private readonly options: AuthServiceOptions,
    private readonly agents?: AgentCredentialStore,
  ) {
    this.dummyHash = hashPassword('not-a-real-password', options.passwordCost);
    this.sessions = new UserSessions(db, repo, tokens, logger, options.refreshTtlSeconds, options.revocations, options.tenants);
    this.clientCredentials = new ClientCredentials(db, repo, tokens, logger, options.revocations, options.tenants, agents, options.locks);
  }

  /**
   * `address`: the client's (req.ip), recorded as the user's first sign-in address.
   * Errors: password_too_short, password_too_common (400), email_taken (409).
   */
  async register(email: string, password: string, role: UserRole = 'user', address?: string): Promise<{ user: PublicUser } & TokenPair> {
    assertAcceptablePassword(password);
    const passwordHash = await hashPassword(password, this.options.passwordCost);
    try {
      const user = await this.repo.createUser({ id: newId('usr'), email, role, passwordHash });
      this.logger.info('user registered', { userId: user.id, role });
      return { user: toPublicUser(user), ...(await this.sessions.start(user, address)) };
    } catch (error) {
      if (error instanceof EmailTaken) throw new Conflict('email_taken', 'An account with this email already exists');
      throw error;
    }
  }

  /**
   * `address`: the client's (req.ip), recorded among the user's sign-in addresses (risk feature new_ip).
   * Errors: invalid_credentials (401), the same for an unknown email and a wrong password; account_locked (401).
   */
  async login(email: string, password: string, address?: string): Promise<TokenPair> {
    const user = await this.repo.findUserByEmail(email);
    const valid = await verifyPassword(password, user?.passwordHash ?? (await this.dummyHash));
    if (!user || !valid) throw new Unauthorized('Email or password is wrong', 'invalid_credentials');
    if (user.lockedAt) throw accountLocked();
    return this.sessions.start(user, address);
  }

  /**
   * Rotates a refresh token: the presented one is spent and a new one of the same family issued.
   * A token presented a second time means it leaked: its whole family is revoked.
   * `address`: as for login. Errors: refresh_token_reused (401), invalid_refresh_token (401), account_locked (401).
   */
  async refresh(refreshToken: string, address?: string): Promise<TokenPair> {
    return this.sessions.refresh(refreshToken, address);
  }

  /**
   * Denies the access token the caller presented at once (by its `jti`, until it expires), then ends
   * the session of one refresh token (when it is the caller's), or all of the caller's sessions.
   */
  async logout(principal: Principal, refreshToken?: string): Promise<void> {
    return this.sessions.end(principal, refreshToken);
  }

  /**
   * Server-to-server: client credentials for a `service` token, or an agent's for an `agent` token.
   * Errors: invalid_client (401), also for a suspended or revoked agent; account_locked (401) while
   * the agent's or merchant client's owner is locked.
   */
  async exchangeClientCredentials(clientId: string, clientSecret: string): Promise<{ accessToken: string; expiresIn: number }> {
    return this.clientCredentials.exchange(clientId, clientSecret);
  }

  /**
   * The secret is returned once and stored only hashed. `inTx` runs in the creating transaction
   * (the admin audit log). Errors: validation_failed (400).
   */
  async createApiClient(
    createdBy: string,
    name: string,
    permissions: string[],
    inTx?: (tx: Transaction, client: { id: string; name: string; permissions: string[] }) => Promise<void>,
  ) {
    return this.clientCredentials.createApiClient(createdBy, name, permissions, inTx);
  }

  /**
   * `inTx` runs in the revoking transaction. The client's tokens already issued are denied from the
   * same transaction, before the commit: when the cache cannot take the marker nothing is committed
   * and the admin can try again (a failed commit after it denies the client's tokens for one TTL).
   * Errors: not_found (404).
   */
  async revokeApiClient(id: string, inTx?: (tx: Transaction) => Promise<void>): Promise<void> {
    return this.clientCredentials.revokeApiClient(id, inTx);
  }

  /** Creates the first admin from configuration when there is none yet. Returns whether it did. */
  ensureInitialAdmin(email: string | undefined, password: string | undefined): Promise<boolean> {
    return inTenant(DEFAULT_TENANT_ID, () => this.createInitialAdmin(email, password));
  }

  private async createInitialAdmin(email: string | undefined, password: string | undefined): Promise<boolean> {
    if (!email || !password || (await this.repo.adminExists())) return false;
    try {
      await this.register(email, password, 'admin');
      this.logger.info('initial admin created', { email });
      return true;
    } catch (error) {
      if (!(error instanceof Conflict)) throw error;
      // Either another instance starting at the same moment created it first, or the email is an
      // ordinary user's: never promote that account silently, but say why no admin exists.
      if (!(await this.repo.adminExists())) {
        this.logger.warn('ADMIN_EMAIL belongs to an existing non-admin account; no admin was created', { email });
      }
      return false;
    }
  }

  /**
   * Agent tokens are checked against the agent's status on every request, so a suspension or
   * revocation stops tokens already issued at once; every token is checked against login locks
   * (a cache marker). Errors: invalid_token, token_expired, agent_not_active, account_locked (401).
   */
  async verifyAccessToken(token: string): Promise<Principal> {
    const principal = this.tokens.verify(token);
    const locks = this.options.locks;
    // Asked side by side (one round trip to the cache on the hot path), answered in a fixed order.
    // In the token's own tenant: the request's is only set from this token once it is verified, and
    // the agent's state, and the lock and revocation records when the cache cannot answer, are its.
    const [agentState, revoked, locked] = await inTenant(principal.tenantId, () =>
      Promise.all([
        principal.role === 'agent' ? this.agents?.tokenState(principal.sub) : undefined,
        this.options.revocations?.isRevoked(principal),
        locks?.isLocked(principal.ownerId ?? principal.sub),
      ]),
    );
    // A token stops when its agent is suspended or revoked, or when the secret it was issued with
    // is rotated. Tokens from before the credentials carried a version were issued under the first.
    if (principal.role === 'agent' && (!agentState?.active || agentState.credentialsVersion !== (principal.credentialsVersion ?? 1))) {
      throw new Unauthorized('This agent is suspended or revoked, or its credentials were rotated', 'agent_not_active');
    }
    if (revoked) throw new Unauthorized('This access token was revoked; sign in again', 'token_revoked');
    if (locked) throw accountLocked();
    return principal;
  }
}
