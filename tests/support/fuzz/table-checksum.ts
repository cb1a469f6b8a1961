import type { SqlClient } from '../../../src/infra/db/database';

/**
 * Rows a refused request may write by design: the admin audit log records refused admin actions
 * too (outcome 'refused'); only the rows of actions that took effect count.
 */
const ROWS_THAT_COUNT: Record<string, string> = { admin_audit_log: "WHERE outcome = 'succeeded'" };

/** Per table of the schema: its row count and a sum of row hashes, cheap enough to take after every batch. */
export async function tableChecksums(db: SqlClient): Promise<Record<string, string>> {
  const { rows: tables } = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const parts = tables.map(
    ({ name }) =>
      `SELECT '${name}' AS name, count(*)::text || ':' || coalesce(sum(hashtext(x::text)::bigint), 0)::text AS sum FROM "${name}" x ${ROWS_THAT_COUNT[name] ?? ''}`,
  );
  const { rows } = await db.query<{ name: string; sum: string }>(parts.join(' UNION ALL '), [], { prepare: false });
  return Object.fromEntries(rows.map((r) => [r.name, r.sum]));
}

export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys({ ...before, ...after }).filter((name) => before[name] !== after[name]);
}
