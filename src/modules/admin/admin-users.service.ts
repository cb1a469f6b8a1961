import { newId } from '../../infra/crypto/ids';
import { hashPassword, type ScryptCost } from '../../infra/crypto/passwords';
import { assertAcceptablePassword, type AdminRole } from '../auth';
import { Conflict } from '../../shared/errors';
import type { AdminContext } from './audit/audit.repository';
import type { AuditTrail } from './audit/audit-trail';
import type { Transaction } from '../../shared/transaction';

export interface AdminUser {
  id: string;
  email: string;
  adminRole: AdminRole;
  createdAt: Date;
}

/** Storage of operator accounts (rows of `users` with role admin). Errors: insert throws AdminEmailTaken on a duplicate email. */
export interface AdminUserRepository {
  insert(tx: Transaction, user: { id: string; email: string; adminRole: AdminRole; passwordHash: string }): Promise<AdminUser>;
}

/** The email already belongs to an account: how a store says so without its own error codes reaching the service. */
export class AdminEmailTaken extends Error {}

export class AdminUserService {
  constructor(
    private readonly repo: AdminUserRepository,
    private readonly audit: AuditTrail,
    private readonly passwordCost?: ScryptCost,
  ) {}

  /** Creates an operator with an admin role. Errors: password_too_common (400), email_taken (409). */
  async create(ctx: AdminContext, input: { email: string; password: string; role: AdminRole }): Promise<AdminUser> {
    assertAcceptablePassword(input.password);
    const passwordHash = await hashPassword(input.password, this.passwordCost);
    const id = newId('usr');
    const entry = { action: 'admin_user.create', targetType: 'user', targetId: id };
    return this.audit.run(ctx, entry, async (tx) => {
      try {
        const user = await this.repo.insert(tx, { id, email: input.email, adminRole: input.role, passwordHash });
        return { result: user, after: { email: user.email, adminRole: user.adminRole } };
      } catch (error) {
        if (error instanceof AdminEmailTaken) throw new Conflict('email_taken', 'An account with this email already exists');
        throw error;
      }
    });
  }
}
