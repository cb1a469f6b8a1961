import { isUniqueViolation, sqlOf } from '../../../infra/db/database';
import type { Transaction } from '../../../shared/transaction';
import type { AdminRole } from '../../auth';
import { AdminEmailTaken, type AdminUser, type AdminUserRepository } from '../admin-users.service';

interface AdminUserRow {
  id: string;
  email: string;
  admin_role: AdminRole;
  created_at: Date;
}

export class SqlAdminUserRepository implements AdminUserRepository {
  async insert(tx: Transaction, u: { id: string; email: string; adminRole: AdminRole; passwordHash: string }): Promise<AdminUser> {
    const { rows } = await sqlOf(tx)
      .query<AdminUserRow>(
        `INSERT INTO users (id, email, role, admin_role, password_hash) VALUES ($1, $2, 'admin', $3, $4)
       RETURNING id, email, admin_role, created_at`,
        [u.id, u.email, u.adminRole, u.passwordHash],
      )
      .catch((error: unknown) => {
        throw isUniqueViolation(error, 'users_email_key') ? new AdminEmailTaken() : error;
      });
    const r = rows[0]!;
    return { id: r.id, email: r.email, adminRole: r.admin_role, createdAt: r.created_at };
  }
}
