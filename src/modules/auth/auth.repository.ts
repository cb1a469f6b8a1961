import type { Transaction } from '../../shared/transaction';
import type { AdminRole } from './permissions';

export type UserRole = 'user' | 'admin';

export interface User {
  id: string;
  email: string;
  role: UserRole;
  passwordHash: string;
  createdAt: Date;
  /** Operators only: their admin role (null = the full `admin` role). */
  adminRole?: AdminRole | null;
  /** Set while the login is locked by an operator. */
  lockedAt?: Date | null;
  /** The tenant the user belongs to (docs/tenants.md). */
  tenantId: string;
}

export interface RefreshTokenRecord {
  userId: string;
  familyId: string;
}

export interface ApiClient {
  id: string;
  clientId: string;
  name: string;
  secretHash: string;
  permissions: string[];
  createdBy: string;
  createdAt: Date;
  revokedAt: Date | null;
  /** Set for a merchant's credentials: its tokens reach that merchant's routes only. */
  merchantId?: string | null;
  tenantId: string;
}

/**
 * Storage for users, refresh tokens and API clients. Methods taking `tx` run inside the caller's
 * transaction. Errors: `create*` throw EmailTaken on a duplicate email; nothing else is expected.
 */
export interface AuthRepository {
  createUser(user: Omit<User, 'createdAt' | 'tenantId'>, tx?: Transaction): Promise<User>;
  findUserByEmail(email: string): Promise<User | null>;
  findUserById(id: string, tx?: Transaction): Promise<User | null>;
  adminExists(): Promise<boolean>;

  saveRefreshToken(
    token: { id: string; userId: string; familyId: string; tokenHash: string; expiresAt: Date },
    tx?: Transaction,
  ): Promise<void>;
  /** Marks an unused, unexpired, unrevoked token used; null when no such token (a single winner under races). */
  consumeRefreshToken(tokenHash: string, tx: Transaction): Promise<RefreshTokenRecord | null>;
  /** The token's record whatever its state, to tell reuse from garbage. */
  findRefreshToken(tokenHash: string): Promise<(RefreshTokenRecord & { usedAt: Date | null; tenantId: string }) | null>;
  revokeRefreshFamily(familyId: string): Promise<void>;
  revokeRefreshTokensOfUser(userId: string): Promise<void>;
  /**
   * The user signed in from `address` now: first seen now if new, else seen again. Keeps at most
   * `keepMax` addresses per user, replacing the least recently seen.
   */
  recordClientAddress(userId: string, address: string, keepMax: number): Promise<void>;

  createApiClient(client: Omit<ApiClient, 'createdAt' | 'revokedAt' | 'tenantId'>, tx?: Transaction): Promise<ApiClient>;
  findApiClient(clientId: string): Promise<ApiClient | null>;
  /** Revokes an unrevoked client; with `merchantId`, only one bound to that merchant. */
  revokeApiClient(id: string, tx?: Transaction, merchantId?: string): Promise<boolean>;
  /** A merchant's clients, revoked ones too, newest first; at most `limit`. */
  listApiClientsOfMerchant(merchantId: string, limit: number): Promise<ApiClient[]>;
}

export class EmailTaken extends Error {}
