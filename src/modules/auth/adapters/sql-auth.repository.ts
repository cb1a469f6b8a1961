import { isUniqueViolation, sqlOf, type SqlClient } from '../../../infra/db/database';
import type { Transaction } from '../../../shared/transaction';
import type { AdminRole } from '../permissions';
import { EmailTaken, type ApiClient, type AuthRepository, type User, type UserRole } from '../auth.repository';

interface UserRow {
  id: string;
  email: string;
  role: UserRole;
  password_hash: string;
  created_at: Date;
  admin_role?: AdminRole | null;
  locked_at?: Date | null;
  tenant_id: string;
}

interface ApiClientRow {
  id: string;
  client_id: string;
  name: string;
  secret_hash: string;
  permissions: string[];
  created_by: string;
  created_at: Date;
  revoked_at: Date | null;
  merchant_id: string | null;
  tenant_id: string;
}

const toUser = (r: UserRow): User => ({
  id: r.id,
  email: r.email,
  role: r.role,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
  adminRole: r.admin_role ?? null,
  lockedAt: r.locked_at ?? null,
  tenantId: r.tenant_id,
});

const toApiClient = (r: ApiClientRow): ApiClient => ({
  id: r.id,
  clientId: r.client_id,
  name: r.name,
  secretHash: r.secret_hash,
  permissions: r.permissions,
  createdBy: r.created_by,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
  merchantId: r.merchant_id,
  tenantId: r.tenant_id,
});

/** The PostgreSQL adapter; PGlite runs the same SQL. */
export class SqlAuthRepository implements AuthRepository {
  constructor(private readonly db: SqlClient) {}

  async createUser(user: Omit<User, 'createdAt' | 'tenantId'>, tx?: Transaction): Promise<User> {
    try {
      const { rows } = await sqlOf(tx, this.db).query<UserRow>(
        `INSERT INTO users (id, email, role, password_hash) VALUES ($1, $2, $3, $4) RETURNING *`,
        [user.id, user.email, user.role, user.passwordHash],
      );
      return toUser(rows[0]!);
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_key')) throw new EmailTaken();
      throw error;
    }
  }

  async findUserByEmail(email: string): Promise<User | null> {
    const { rows } = await this.db.query<UserRow>('SELECT * FROM users WHERE lower(email) = lower($1)', [email]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async findUserById(id: string, tx?: Transaction): Promise<User | null> {
    const { rows } = await sqlOf(tx, this.db).query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async adminExists(): Promise<boolean> {
    const { rows } = await this.db.query("SELECT 1 FROM users WHERE role = 'admin' LIMIT 1");
    return rows.length > 0;
  }

  async saveRefreshToken(
    t: { id: string; userId: string; familyId: string; tokenHash: string; expiresAt: Date },
    tx?: Transaction,
  ): Promise<void> {
    await sqlOf(tx, this.db).query(
      `INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5)`,
      [t.id, t.userId, t.familyId, t.tokenHash, t.expiresAt],
    );
  }

  async consumeRefreshToken(tokenHash: string, tx: Transaction) {
    const { rows } = await sqlOf(tx).query<{ user_id: string; family_id: string }>(
      `UPDATE refresh_tokens SET used_at = now()
        WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()
        RETURNING user_id, family_id`,
      [tokenHash],
    );
    return rows[0] ? { userId: rows[0].user_id, familyId: rows[0].family_id } : null;
  }

  async findRefreshToken(tokenHash: string) {
    const { rows } = await this.db.query<{ user_id: string; family_id: string; used_at: Date | null; tenant_id: string }>(
      'SELECT user_id, family_id, used_at, tenant_id FROM refresh_tokens WHERE token_hash = $1',
      [tokenHash],
    );
    const row = rows[0];
    return row ? { userId: row.user_id, familyId: row.family_id, usedAt: row.used_at, tenantId: row.tenant_id } : null;
  }

  async revokeRefreshFamily(familyId: string): Promise<void> {
    await this.db.query('UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL', [familyId]);
  }

  async revokeRefreshTokensOfUser(userId: string): Promise<void> {
    await this.db.query('UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [userId]);
  }

  // One statement: the upsert and the trim of the user's oldest addresses. Both parts see the rows
  // as they were before it, hence the new address is left out of the trim and keepMax - 1 others
  // are kept. Two sign-ins at once may leave one extra row until the next one trims it.
  async recordClientAddress(userId: string, address: string, keepMax: number): Promise<void> {
    await this.db.query(
      `WITH seen AS (
         INSERT INTO user_client_addresses (user_id, address) VALUES ($1, $2)
         ON CONFLICT (user_id, address) DO UPDATE SET last_seen_at = now()
         RETURNING address)
       DELETE FROM user_client_addresses a
        WHERE a.user_id = $1 AND a.address <> $2
          AND a.address NOT IN (SELECT b.address FROM user_client_addresses b WHERE b.user_id = $1 AND b.address <> $2
                                 ORDER BY b.last_seen_at DESC LIMIT $3)`,
      [userId, address, keepMax - 1],
    );
  }

  async createApiClient(c: Omit<ApiClient, 'createdAt' | 'revokedAt' | 'tenantId'>, tx?: Transaction): Promise<ApiClient> {
    const { rows } = await sqlOf(tx, this.db).query<ApiClientRow>(
      `INSERT INTO api_clients (id, client_id, name, secret_hash, permissions, created_by, merchant_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [c.id, c.clientId, c.name, c.secretHash, c.permissions, c.createdBy, c.merchantId ?? null],
    );
    return toApiClient(rows[0]!);
  }

  async findApiClient(clientId: string): Promise<ApiClient | null> {
    const { rows } = await this.db.query<ApiClientRow>('SELECT * FROM api_clients WHERE client_id = $1', [clientId]);
    return rows[0] ? toApiClient(rows[0]) : null;
  }

  async revokeApiClient(id: string, tx?: Transaction, merchantId?: string): Promise<boolean> {
    const { rowCount } = await sqlOf(tx, this.db).query(
      'UPDATE api_clients SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL AND ($2::text IS NULL OR merchant_id = $2)',
      [id, merchantId ?? null],
    );
    return rowCount > 0;
  }

  async listApiClientsOfMerchant(merchantId: string, limit: number): Promise<ApiClient[]> {
    const { rows } = await this.db.query<ApiClientRow>(
      'SELECT * FROM api_clients WHERE merchant_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2',
      [merchantId, limit],
    );
    return rows.map(toApiClient);
  }
}
