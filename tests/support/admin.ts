import { randomUUID } from 'node:crypto';
import { loginAdmin, uniqueEmail, type TestApp } from './test-app';

export type AdminRoleName = 'admin' | 'support' | 'finance' | 'auditor';

const OPERATOR_PASSWORD = 'operator-password-42';

/** Creates an operator with the given admin role (through POST /admin/users) and signs them in. */
export async function createOperator(t: TestApp, role: AdminRoleName) {
  const admin = await loginAdmin(t);
  const email = uniqueEmail(role);
  const created = await t.http().post('/api/v1/admin/users').set(admin.auth).send({ email, password: OPERATOR_PASSWORD, role });
  if (created.status !== 201) throw new Error(`create operator failed: ${created.status} ${JSON.stringify(created.body)}`);
  const login = await t.http().post('/api/v1/auth/login').send({ email, password: OPERATOR_PASSWORD });
  if (login.status !== 200) throw new Error(`operator login failed: ${login.status}`);
  return { id: created.body.id as string, email, auth: { Authorization: `Bearer ${login.body.accessToken}` } };
}

export async function auditRows(t: TestApp, where: { action?: string; targetId?: string } = {}) {
  const { rows } = await t.container.db.query<Record<string, unknown>>(
    `SELECT * FROM admin_audit_log WHERE ($1::text IS NULL OR action = $1) AND ($2::text IS NULL OR target_id = $2)
      ORDER BY created_at, id`,
    [where.action ?? null, where.targetId ?? null],
  );
  return rows;
}

export const idempotencyKey = () => ({ 'Idempotency-Key': randomUUID() });
