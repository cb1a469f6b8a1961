import { newId } from '../../../infra/crypto/ids';
import { sqlOf, type SqlClient } from '../../../infra/db/database';
import type { Transaction } from '../../../shared/transaction';
import type { Cursor } from '../../../shared/pagination';
import type {
  Alert,
  AlertFilter,
  AlertRule,
  AlertStatus,
  DeclineBurst,
  MonitoringRepository,
  NewAlert,
} from '../monitoring/monitoring.repository';

interface AlertRow {
  id: string;
  rule: AlertRule;
  subject_type: string;
  subject_id: string;
  details: Record<string, unknown>;
  status: AlertStatus;
  resolved_by: string | null;
  resolution_note: string | null;
  resolved_at: Date | null;
  created_at: Date;
}

const toAlert = (r: AlertRow): Alert => ({
  id: r.id,
  rule: r.rule,
  subjectType: r.subject_type,
  subjectId: r.subject_id,
  details: r.details,
  status: r.status,
  resolvedBy: r.resolved_by,
  resolutionNote: r.resolution_note,
  resolvedAt: r.resolved_at,
  createdAt: r.created_at,
});

const COLUMNS = 'id, rule, subject_type, subject_id, details, status, resolved_by, resolution_note, resolved_at, created_at';

export class SqlMonitoringRepository implements MonitoringRepository {
  constructor(private readonly db: SqlClient) {}

  async declineBursts(since: Date, windowMs: number, max: number): Promise<DeclineBurst[]> {
    const { rows } = await this.db.query<{ wallet_id: string; n: number; window_start: Date }>(
      `SELECT wallet_id, count(*)::int AS n,
              to_timestamp(floor(extract(epoch FROM created_at) * 1000 / $2) * $2 / 1000) AS window_start
         FROM card_charges
        WHERE status = 'failed' AND created_at >= $1
        GROUP BY wallet_id, window_start
       HAVING count(*) > $3`,
      [since, windowMs, max],
    );
    return rows.map((r) => ({ walletId: r.wallet_id, count: r.n, windowStart: r.window_start }));
  }

  async insertAlert(a: NewAlert): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `INSERT INTO monitor_alerts (id, rule, dedupe_key, subject_type, subject_id, details)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb) ON CONFLICT (dedupe_key) DO NOTHING`,
      [newId('alr'), a.rule, a.dedupeKey, a.subjectType, a.subjectId, JSON.stringify(a.details)],
    );
    return rowCount > 0;
  }

  async listAlerts(f: AlertFilter, limit: number, after?: Cursor): Promise<Alert[]> {
    const { rows } = await this.db.query<AlertRow>(
      `SELECT ${COLUMNS} FROM monitor_alerts
        WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR rule = $2)
          AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::text))
        ORDER BY created_at DESC, id DESC LIMIT $5`,
      [f.status ?? null, f.rule ?? null, after?.createdAt ?? null, after?.id ?? null, limit + 1],
    );
    return rows.map(toAlert);
  }

  async lockAlert(tx: Transaction, id: string): Promise<Alert | null> {
    const { rows } = await sqlOf(tx).query<AlertRow>(`SELECT ${COLUMNS} FROM monitor_alerts WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] ? toAlert(rows[0]) : null;
  }

  async resolveAlert(tx: Transaction, id: string, by: string, note: string): Promise<Alert> {
    const { rows } = await sqlOf(tx).query<AlertRow>(
      `UPDATE monitor_alerts SET status = 'resolved', resolved_by = $2, resolution_note = $3, resolved_at = now()
        WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, by, note],
    );
    return toAlert(rows[0]!);
  }
}
