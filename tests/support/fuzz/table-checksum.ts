import type { SqlClient } from '../../../src/infra/db/database';

/**
 * Rows a refused request may write by design: the admin audit log records refused admin actions
 * too (outcome 'refused'); only the rows of actions that took effect count.
 */
const ROWS_THAT_COUNT: Record<string, string> = { admin_audit_log: "outcome = 'succeeded'" };

/**
 * Per table of the schema: its row count and a sum of row hashes, cheap enough to take after every batch.
 * With `tenantId`, only that tenant's rows count: the tables with a tenant_id column, and its own
 * row of `tenants` (the other system tables are left out). Read it as the owner (system scope).
 */
export async function tableChecksums(db: SqlClient, { tenantId }: { tenantId?: string } = {}): Promise<Record<string, string>> {
  const { rows: tables } = await db.query<{ name: string; tenanted: boolean }>(
    `SELECT table_name AS name,
            EXISTS (SELECT 1 FROM information_schema.columns c
                     WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name AND c.column_name = 'tenant_id') AS tenanted
       FROM information_schema.tables t
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const parts = tables.flatMap(({ name, tenanted }) => {
    const conditions = [ROWS_THAT_COUNT[name]];
    if (tenantId !== undefined) {
      if (tenanted) conditions.push(`tenant_id = '${tenantId.replace(/'/g, "''")}'`);
      else if (name === 'tenants') conditions.push(`id = '${tenantId.replace(/'/g, "''")}'`);
      else return [];
    }
    const where = conditions.filter(Boolean).join(' AND ');
    return [
      `SELECT '${name}' AS name, count(*)::text || ':' || coalesce(sum(hashtext(x::text)::bigint), 0)::text AS sum FROM "${name}" x ${where ? `WHERE ${where}` : ''}`,
    ];
  });
  const { rows } = await db.query<{ name: string; sum: string }>(parts.join(' UNION ALL '), [], { prepare: false });
  return Object.fromEntries(rows.map((r) => [r.name, r.sum]));
}

export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys({ ...before, ...after }).filter((name) => before[name] !== after[name]);
}
