import type { SqlClient } from '../../../infra/db/database';
import type { AdminRole } from '../../auth';
import type { AdminUser, AdminUserRepository } from '../admin-users.service';

export class SqlAdminUserRepository implements AdminUserRepository {
  async insert(tx: SqlClient, u: { id: string; email: string; adminRole: AdminRole; passwordHash: string }): Promise<AdminUser> {
    const { rows } = await tx.query<{ id: string; email: string; admin_role: AdminRole; created_at: Date }>(
      `INSERT INTO users (id, email, role, admin_role, password_hash) VALUES ($1, $2, 'admin', $3, $4)
       RETURNING id, email, admin_role, created_at`,
      [u.id, u.email, u.adminRole, u.passwordHash],
    );
    const r = rows[0]!;
    return { id: r.id, email: r.email, adminRole: r.admin_role, createdAt: r.created_at };
  }
}
