import { newId } from '../../../infra/crypto/ids';
import { sqlOf, type SqlClient } from '../../../infra/db/database';
import type { Transaction } from '../../../shared/transaction';
import type { Cursor } from '../../../shared/pagination';
import type { AdminContext, AuditEntry, AuditFilter, AuditOutcome, AuditRecord, AuditRepository } from '../audit/audit.repository';

interface AuditRow {
  id: string;
  actor_id: string;
  actor_role: string;
  action: string;
  target_type: string;
  target_id: string;
  before: unknown;
  after: unknown;
  reason: string | null;
  outcome: AuditOutcome;
  error_code: string | null;
  request_id: string;
  ip: string;
  created_at: Date;
}

const toRecord = (r: AuditRow): AuditRecord => ({
  id: r.id,
  actorId: r.actor_id,
  actorRole: r.actor_role,
  action: r.action,
  targetType: r.target_type,
  targetId: r.target_id,
  before: r.before,
  after: r.after,
  reason: r.reason,
  outcome: r.outcome,
  errorCode: r.error_code,
  requestId: r.request_id,
  ip: r.ip,
  createdAt: r.created_at,
});

/** bigint is not JSON: amounts in before/after are stored as strings of digits, like the API shows them. */
const json = (value: unknown) =>
  value === undefined ? null : JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

export class SqlAuditRepository implements AuditRepository {
  constructor(private readonly db: SqlClient) {}

  async append(tx: Transaction, ctx: AdminContext, e: AuditEntry, outcome: AuditOutcome, errorCode?: string): Promise<void> {
    // The actor's admin role is read in the same statement: tokens carry permissions, not the role name.
    await sqlOf(tx).query(
      `INSERT INTO admin_audit_log (id, actor_id, actor_role, action, target_type, target_id, before, after,
                                    reason, outcome, error_code, request_id, ip)
       VALUES ($1, $2, COALESCE((SELECT COALESCE(admin_role, 'admin') FROM users WHERE id = $2 AND role = 'admin'), 'unknown'),
               $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9, $10, $11, $12)`,
      [
        newId('aud'),
        ctx.actorId,
        e.action,
        e.targetType,
        e.targetId,
        json(e.before),
        json(e.after),
        e.reason ?? null,
        outcome,
        errorCode ?? null,
        ctx.requestId,
        ctx.ip,
      ],
    );
  }

  async list(f: AuditFilter, limit: number, after?: Cursor): Promise<AuditRecord[]> {
    const { rows } = await this.db.query<AuditRow>(
      `SELECT * FROM admin_audit_log
        WHERE ($1::text IS NULL OR actor_id = $1)
          AND ($2::text IS NULL OR action = $2)
          AND ($3::text IS NULL OR target_type = $3)
          AND ($4::text IS NULL OR target_id = $4)
          AND ($5::text IS NULL OR outcome = $5)
          AND ($6::timestamptz IS NULL OR created_at >= $6)
          AND ($7::timestamptz IS NULL OR created_at < $7)
          AND ($8::timestamptz IS NULL OR (created_at, id) < ($8::timestamptz, $9::text))
        ORDER BY created_at DESC, id DESC LIMIT $10`,
      [
        f.actorId ?? null,
        f.action ?? null,
        f.targetType ?? null,
        f.targetId ?? null,
        f.outcome ?? null,
        f.from ?? null,
        f.to ?? null,
        after?.createdAt ?? null,
        after?.id ?? null,
        limit + 1,
      ],
    );
    return rows.map(toRecord);
  }
}
