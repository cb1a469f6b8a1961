import type { Api } from '../../../http/api';
import type { AdminModule } from '../admin.module';
import type { AuditRecord } from '../audit/audit.repository';
import { adminContext, adminUserView, auditPageView, auditQuery, createAdminUserBody } from '../admin.schemas';

const tags = ['admin'];

const toAuditView = (r: AuditRecord) => ({
  id: r.id,
  actorId: r.actorId,
  actorRole: r.actorRole,
  action: r.action,
  targetType: r.targetType,
  targetId: r.targetId,
  before: r.before ?? null,
  after: r.after ?? null,
  reason: r.reason ?? null,
  outcome: r.outcome,
  errorCode: r.errorCode,
  requestId: r.requestId,
  ip: r.ip,
  createdAt: r.createdAt.toISOString(),
});

/** Operators and the audit log. */
export function adminUserAndAuditRoutes(api: Api, admin: AdminModule): void {
  api.route({
    method: 'post',
    path: '/admin/users',
    summary: 'Create an operator with an admin role (admin, support, finance, auditor)',
    tags,
    permission: 'admin:users:write',
    body: createAdminUserBody,
    responses: { 201: { description: 'The operator', schema: adminUserView } },
    handler: async (input) => {
      const user = await admin.users.create(adminContext(input), input.body);
      return { status: 201, body: { id: user.id, email: user.email, role: user.adminRole, createdAt: user.createdAt.toISOString() } };
    },
  });

  api.route({
    method: 'get',
    path: '/admin/audit',
    summary: 'The audit log of admin actions, newest first',
    tags,
    permission: 'admin:audit:read',
    query: auditQuery,
    responses: { 200: { description: 'A page of audit records', schema: auditPageView } },
    handler: async ({ query }) => {
      const { limit, cursor, ...filter } = query;
      const page = await admin.audit.list(filter, limit, cursor);
      return { status: 200, body: { data: page.data.map(toAuditView), nextCursor: page.nextCursor } };
    },
  });
}
