import { newId, newSecret, sha256Hex } from '../../infra/crypto/ids';
import type { Logger } from '../../infra/logger';
import { inSystemScope, inTenant } from '../../infra/tenant-scope';
import { CLIENT_ADDRESSES_PER_USER_MAX, normalizedAddress } from '../../shared/client-address';
import { Unauthorized } from '../../shared/errors';
import type { Principal } from '../../shared/principal';
import { assertTenantActive, type TenantStatusLookup } from '../../shared/tenant-settings';
import type { TransactionRunner } from '../../shared/transaction';
import type { AuthRepository, User } from './auth.repository';
import { accountLocked } from './login-locks';
import { permissionsForUserRole } from './permissions';
import type { TokenIssuer } from './token-issuer';
import type { TokenRevocations } from './token-revocations';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/**
 * A user's sessions: each sign-in starts a family of refresh tokens, rotated one for the next on
 * every refresh, with a short-lived access token beside each. Every start and refresh records the
 * address it came from. Logout ends one family or all of the user's.
 */
export class UserSessions {
  constructor(
    private readonly db: TransactionRunner,
    private readonly repo: AuthRepository,
    private readonly tokens: TokenIssuer,
    private readonly logger: Logger,
    private readonly refreshTtlSeconds: number,
    private readonly revocations?: TokenRevocations,
    private readonly tenants?: TenantStatusLookup,
  ) {}

  /** A new refresh-token family for a user who has just registered or signed in from `address`. */
  async start(user: User, address: string | undefined): Promise<TokenPair> {
    await this.signedInFrom(user, address);
    const refreshToken = await this.newRefreshToken(user.id, newId('fam'));
    return { ...this.accessTokenFor(user), refreshToken };
  }

  async refresh(refreshToken: string, address: string | undefined): Promise<TokenPair> {
    const tokenHash = sha256Hex(refreshToken);
    // The token itself says whose it is: looked up across tenants (a secret, unique everywhere),
    // then rotated inside its user's tenant.
    const known = await inSystemScope(() => this.repo.findRefreshToken(tokenHash));
    if (!known) throw invalidRefreshToken();
    // Asked once the caller has shown a valid secret (so the answer tells nobody else whether the
    // tenant exists), and before rotating: the token stays unspent, for after the tenant is active again.
    if (this.tenants) await assertTenantActive(this.tenants, known.tenantId);
    return inTenant(known.tenantId, () => this.rotate(tokenHash, address));
  }

  async end(principal: Principal, refreshToken?: string): Promise<void> {
    await this.revocations?.revokeToken(principal);
    const userId = principal.sub;
    if (!refreshToken) return this.repo.revokeRefreshTokensOfUser(userId);
    const known = await this.repo.findRefreshToken(sha256Hex(refreshToken));
    if (known && known.userId === userId) await this.repo.revokeRefreshFamily(known.familyId);
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

  /** A person's sign-in address, kept (a few per user) for the risk screen; admins' are not needed. */
  private async signedInFrom(user: User, ip: string | undefined): Promise<void> {
    const address = normalizedAddress(ip);
    if (address && user.role === 'user') await this.repo.recordClientAddress(user.id, address, CLIENT_ADDRESSES_PER_USER_MAX);
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
        expiresAt: new Date(Date.now() + this.refreshTtlSeconds * 1000),
      },
      tx,
    );
    return token;
  }
}

function invalidRefreshToken(): Unauthorized {
  return new Unauthorized('Refresh token is invalid or expired', 'invalid_refresh_token');
}
