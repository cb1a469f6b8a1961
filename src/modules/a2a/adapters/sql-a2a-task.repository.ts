import type { SqlClient } from '../../../infra/db/database';
import type { A2aTaskFilter, A2aTaskRecord, A2aTaskRecords } from '../../../protocols/a2a/ports';

interface TaskRow {
  id: string;
  context_id: string;
  owner_agent_id: string;
  target_agent_id: string;
  state: string;
  payment_id: string | null;
  task: unknown;
  updated_at: Date;
}

const toRecord = (r: TaskRow): A2aTaskRecord => ({
  id: r.id,
  contextId: r.context_id,
  ownerAgentId: r.owner_agent_id,
  targetAgentId: r.target_agent_id,
  state: r.state,
  paymentId: r.payment_id,
  // PGlite and node-postgres both parse JSONB; a driver handing back text would too.
  task: typeof r.task === 'string' ? (JSON.parse(r.task) as unknown) : r.task,
  updatedAt: r.updated_at,
});

function where(params: unknown[], filter: A2aTaskFilter): string {
  let sql = '';
  if (filter.contextId !== undefined) sql += ` AND context_id = $${params.push(filter.contextId)}`;
  if (filter.state !== undefined) sql += ` AND state = $${params.push(filter.state)}`;
  if (filter.updatedAfter !== undefined) sql += ` AND updated_at > $${params.push(filter.updatedAfter)}`;
  return sql;
}

/** The PostgreSQL adapter; PGlite runs the same SQL. */
export class SqlA2aTaskRepository implements A2aTaskRecords {
  constructor(private readonly db: SqlClient) {}

  async save(r: Omit<A2aTaskRecord, 'updatedAt'>) {
    // The WHERE on the conflict branch keeps another agent's task untouched: no row comes back.
    const { rows } = await this.db.query(
      `INSERT INTO a2a_tasks (id, context_id, owner_agent_id, target_agent_id, state, payment_id, task)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
       ON CONFLICT (id) DO UPDATE SET context_id = excluded.context_id, state = excluded.state,
              payment_id = COALESCE(excluded.payment_id, a2a_tasks.payment_id), task = excluded.task, updated_at = now()
        WHERE a2a_tasks.owner_agent_id = excluded.owner_agent_id
       RETURNING id`,
      [r.id, r.contextId, r.ownerAgentId, r.targetAgentId, r.state, r.paymentId, JSON.stringify(r.task)],
    );
    return rows.length === 1;
  }

  async find(ownerAgentId: string, id: string) {
    const { rows } = await this.db.query<TaskRow>('SELECT * FROM a2a_tasks WHERE id = $1 AND owner_agent_id = $2', [id, ownerAgentId]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async findByPayment(paymentId: string) {
    const { rows } = await this.db.query<TaskRow>('SELECT * FROM a2a_tasks WHERE payment_id = $1 ORDER BY created_at LIMIT 1', [paymentId]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async list(ownerAgentId: string, filter: A2aTaskFilter, limit: number, after?: { updatedAt: Date; id: string }) {
    const params: unknown[] = [ownerAgentId, limit];
    let sql = where(params, filter);
    if (after) sql += ` AND (updated_at, id) < ($${params.push(after.updatedAt)}, $${params.push(after.id)})`;
    const { rows } = await this.db.query<TaskRow>(
      `SELECT * FROM a2a_tasks WHERE owner_agent_id = $1${sql} ORDER BY updated_at DESC, id DESC LIMIT $2`,
      params,
    );
    return rows.map(toRecord);
  }

  async count(ownerAgentId: string, filter: A2aTaskFilter) {
    const params: unknown[] = [ownerAgentId];
    const { rows } = await this.db.query<{ n: string | number }>(
      `SELECT count(*) AS n FROM a2a_tasks WHERE owner_agent_id = $1${where(params, filter)}`,
      params,
    );
    return Number(rows[0]!.n);
  }
}
