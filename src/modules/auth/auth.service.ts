import { timingSafeEqual } from 'node:crypto';
import type { Transaction, TransactionRunner } from '../../shared/transaction';
import { newId, newSecret, sha256Hex } from '../../infra/crypto/ids';
import { hashPassword, verifyPassword, type ScryptCost } from '../../infra/crypto/passwords';
import type { Logger } from '../../infra/logger';
import { DEFAULT_TENANT_ID, inSystemScope, inTenant } from '../../infra/tenant-scope';
import type { Principal } from '../../shared/principal';
import { CLIENT_ADDRESSES_PER_USER_MAX, normalizedAddress } from '../../shared/client-address';
import { Conflict, NotFound, Unauthorized, ValidationFailed } from '../../shared/errors';
import { assertTenantActive, type TenantStatusLookup } from '../../shared/tenant-settings';
import { EmailTaken, type AuthRepository, type User, type UserRole } from './auth.repository';
import { AGENT_CLIENT_ID_PREFIX, type AgentCredentialStore } from './agent-credentials';
import { AGENT_PERMISSIONS, GRANTABLE_PERMISSIONS, permissionsForUserRole } from './permissions';
import type { TokenIssuer } from './token-issuer';
import type { LoginLocks } from './login-locks';
import { assertAcceptablePassword } from './password-policy';
import type { TokenRevocations } from './token-revocations';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

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

  constructor(
    private readonly db: TransactionRunner,
    private readonly repo: AuthRepository,
    private readonly tokens: TokenIssuer,
    private readonly logger: Logger,
    private readonly options: AuthServiceOptions,
    private readonly agents?: AgentCredentialStore,
  ) {
    this.dummyHash = hashPassword('not-a-real-password', options.passwordCost);
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
      await this.signedInFrom(user, address);
      return { user: toPublicUser(user), ...(await this.issueTokens(user)) };
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
    await this.signedInFrom(user, address);
    return this.issueTokens(user);
  }

  /**
   * Rotates a refresh token: the presented one is spent and a new one of the same family issued.
   * A token presented a second time means it leaked: its whole family is revoked.
   * `address`: as for login. Errors: refresh_token_reused (401), invalid_refresh_token (401), account_locked (401).
   */
  async refresh(refreshToken: string, address?: string): Promise<TokenPair> {
    const tokenHash = sha256Hex(refreshToken);
    // The token itself says whose it is: looked up across tenants (a secret, unique everywhere),
    // then rotated inside its user's tenant.
    const known = await inSystemScope(() => this.repo.findRefreshToken(tokenHash));
    if (!known) throw invalidRefreshToken();
    // Before rotating: the token stays unspent, for after the tenant is active again.
    await this.assertTenantActive(known.tenantId);
    return inTenant(known.tenantId, () => this.rotate(tokenHash, address));
  }

  private async rotate(tokenHash: string, address: string | undefined): Promise<TokenPair> {
    const rotated = await this.db.transactionWithRetry(async (tx) => {
      const record = await this.repo.consumeRefreshToken(tokenHash, tx);
      if (!record) return null;
      const user = await this.repo.findUserById(record.userId, tx);
      if (!user) return null;
      // Thrown inside the transaction: the presented token stays unspent, for after an unlock.
      if (user.lockedAt) throw accountLocked();
      const next = await this.newRefreshToken(user.id, record.familyId, tx);
      return { user, refreshToken: next };
    });
    if (!rotated) {
      const known = await this.repo.findRefreshToken(tokenHash);
      if (known?.usedAt) {
        await this.repo.revokeRefreshFamily(known.familyId);
        this.logger.warn('refresh token reused; family revoked', { userId: known.userId });
        throw new Unauthorized('Refresh token was already used; sign in again', 'refresh_token_reused');
      }
      throw invalidRefreshToken();
    }
    await this.signedInFrom(rotated.user, address);
    return { ...this.accessTokenFor(rotated.user), refreshToken: rotated.refreshToken };
  }

  /**
   * Denies the access token the caller presented at once (by its `jti`, until it expires), then ends
   * the session of one refresh token (when it is the caller's), or all of the caller's sessions.
   */
  async logout(principal: Principal, refreshToken?: string): Promise<void> {
    await this.options.revocations?.revokeToken(principal);
    const userId = principal.sub;
    if (!refreshToken) return this.repo.revokeRefreshTokensOfUser(userId);
    const known = await this.repo.findRefreshToken(sha256Hex(refreshToken));
    if (known && known.userId === userId) await this.repo.revokeRefreshFamily(known.familyId);
  }

  /**
   * Server-to-server: client credentials for a `service` token, or an agent's for an `agent` token.
   * Errors: invalid_client (401), also for a suspended or revoked agent.
   */
  async exchangeClientCredentials(clientId: string, clientSecret: string): Promise<{ accessToken: string; expiresIn: number }> {
    if (this.agents && clientId.startsWith(AGENT_CLIENT_ID_PREFIX)) return this.exchangeAgentCredentials(clientId, clientSecret);
    // Client ids are unique across tenants: the client's own tenant is the token's.
    const client = await inSystemScope(() => this.repo.findApiClient(clientId));
    const presented = Buffer.from(sha256Hex(clientSecret), 'hex');
    const stored = Buffer.from(client?.secretHash ?? sha256Hex(''), 'hex');
    if (!client || client.revokedAt || !timingSafeEqual(presented, stored)) {
      throw new Unauthorized('Client credentials are invalid', 'invalid_client');
    }
    await this.assertTenantActive(client.tenantId);
    const principal: Principal = {
      sub: client.id,
      role: 'service',
      permissions: client.permissions,
      tenantId: client.tenantId,
      ...(client.merchantId ? { merchantId: client.merchantId } : {}),
    };
    return { accessToken: this.tokens.sign(principal), expiresIn: this.tokens.accessTtlSeconds };
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
    const unknown = permissions.filter((p) => !(GRANTABLE_PERMISSIONS as readonly string[]).includes(p));
    if (unknown.length > 0) {
      throw new ValidationFailed(`Permissions that cannot be granted: ${unknown.join(', ')}`, { unknown });
    }
    const clientSecret = newSecret();
    const client = await this.db.transaction(async (tx) => {
      const created = await this.repo.createApiClient(
        {
          id: newId('cli'),
          clientId: newId('ci'),
          name,
          secretHash: sha256Hex(clientSecret),
          permissions: [...new Set(permissions)],
          createdBy,
        },
        tx,
      );
      await inTx?.(tx, { id: created.id, name, permissions: created.permissions });
      return created;
    });
    this.logger.info('api client created', { apiClientId: client.id, createdBy });
    return { id: client.id, clientId: client.clientId, clientSecret, name, permissions: client.permissions };
  }

  /**
   * `inTx` runs in the revoking transaction. The client's tokens already issued are denied from the
   * same transaction, before the commit: when the cache cannot take the marker nothing is committed
   * and the admin can try again (a failed commit after it denies the client's tokens for one TTL).
   * Errors: not_found (404).
   */
  async revokeApiClient(id: string, inTx?: (tx: Transaction) => Promise<void>): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (!(await this.repo.revokeApiClient(id, tx))) throw new NotFound('API client not found');
      await inTx?.(tx);
      await this.options.revocations?.revokeClient(id);
    });
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
    const [agentState, revoked, locked] = await inTenant(principal.tenantId ?? DEFAULT_TENANT_ID, () =>
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

  private async exchangeAgentCredentials(clientId: string, clientSecret: string) {
    const agent = await inSystemScope(() => this.agents!.findByClientId(clientId));
    const presented = Buffer.from(sha256Hex(clientSecret), 'hex');
    const stored = Buffer.from(agent?.secretHash ?? sha256Hex(''), 'hex');
    if (!agent || !timingSafeEqual(presented, stored) || !agent.active) {
      throw new Unauthorized('Client credentials are invalid', 'invalid_client');
    }
    await this.assertTenantActive(agent.tenantId);
    const principal: Principal = {
      sub: agent.agentId,
      role: 'agent',
      permissions: [...AGENT_PERMISSIONS],
      ownerId: agent.ownerId,
      credentialsVersion: agent.credentialsVersion,
      tenantId: agent.tenantId,
    };
    return { accessToken: this.tokens.sign(principal), expiresIn: this.tokens.accessTtlSeconds };
  }

  /**
   * Asked once the caller has shown a valid secret (so the answer tells nobody else whether the
   * tenant exists): 403 tenant_suspended, as the tenant's every other request gets.
   */
  private async assertTenantActive(tenantId: string): Promise<void> {
    if (this.options.tenants) await assertTenantActive(this.options.tenants, tenantId);
  }

  /** A person's sign-in address, kept (a few per user) for the risk screen; admins' are not needed. */
  private async signedInFrom(user: User, ip: string | undefined): Promise<void> {
    const address = normalizedAddress(ip);
    if (address && user.role === 'user') await this.repo.recordClientAddress(user.id, address, CLIENT_ADDRESSES_PER_USER_MAX);
  }

  private async issueTokens(user: User): Promise<TokenPair> {
    const refreshToken = await this.newRefreshToken(user.id, newId('fam'));
    return { ...this.accessTokenFor(user), refreshToken };
  }

  private accessTokenFor(user: User): { accessToken: string; expiresIn: number } {
    const principal: Principal = {
      sub: user.id,
      role: user.role,
      permissions: permissionsForUserRole(user.role, user.adminRole),
      tenantId: user.tenantId,
    };
    return { accessToken: this.tokens.sign(principal), expiresIn: this.tokens.accessTtlSeconds };
  }

  private async newRefreshToken(userId: string, familyId: string, tx?: Parameters<AuthRepository['saveRefreshToken']>[1]) {
    const token = newSecret();
    await this.repo.saveRefreshToken(
      {
        id: newId('rt'),
        userId,
        familyId,
        tokenHash: sha256Hex(token),
        expiresAt: new Date(Date.now() + this.options.refreshTtlSeconds * 1000),
      },
      tx,
    );
    return token;
  }
}

function invalidRefreshToken(): Unauthorized {
  return new Unauthorized('Refresh token is invalid or expired', 'invalid_refresh_token');
}

function accountLocked(): Unauthorized {
  return new Unauthorized('This account is locked; contact support', 'account_locked');
}
