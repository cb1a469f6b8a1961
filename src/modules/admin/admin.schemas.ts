import { z } from 'zod';
import { resourceId as id } from '../../http/params';
import { pageQuery } from '../../shared/pagination';
import { ADMIN_ROLES } from '../auth';
import type { RouteInput } from '../../http/api';
import type { AdminContext } from './audit/audit.repository';
import { isoInstant } from '../../shared/instant';

export const reason = z.string().trim().min(1).max(500);
export const reasonBody = z.object({ reason }).strict();
export const isoDate = isoInstant;

/** The acting operator, as plain values for the services. */
export function adminContext(input: Pick<RouteInput<unknown, unknown, unknown>, 'principal' | 'requestId' | 'ip'>): AdminContext {
  return { actorId: input.principal.sub, requestId: input.requestId, ip: input.ip };
}

// Stricter than self-registration, like `npm run admin:create`: operators can move money.
export const createAdminUserBody = z
  .object({
    email: z.email().max(254),
    password: z
      .string()
      .min(12)
      .max(128)
      .refine((p) => new Set(p).size >= 6, 'is too repetitive: use at least 6 different characters'),
    role: z.enum(ADMIN_ROLES),
  })
  .strict();

export const adminUserView = z
  .object({ id: z.string(), email: z.string(), role: z.enum(ADMIN_ROLES), createdAt: z.string() })
  .meta({ id: 'AdminUser' });

export const auditQuery = pageQuery
  .extend({
    actorId: id.optional(),
    action: z
      .string()
      .regex(/^[a-z_.]{1,64}$/)
      .optional(),
    targetType: z
      .string()
      .regex(/^[a-z_]{1,32}$/)
      .optional(),
    targetId: id.optional(),
    outcome: z.enum(['succeeded', 'refused']).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
  })
  .strict();

export const auditRecordView = z
  .object({
    id: z.string(),
    actorId: z.string(),
    actorRole: z.string(),
    action: z.string(),
    targetType: z.string(),
    targetId: z.string(),
    before: z.unknown(),
    after: z.unknown(),
    reason: z.string().nullable(),
    outcome: z.enum(['succeeded', 'refused']),
    errorCode: z.string().nullable(),
    requestId: z.string(),
    ip: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'AuditRecord' });

export const auditPageView = z.object({ data: z.array(auditRecordView), nextCursor: z.string().nullable() });
