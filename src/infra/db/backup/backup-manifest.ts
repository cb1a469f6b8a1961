import { existsSync, readFileSync } from 'node:fs';
import { inSystemScope } from '../../tenant-scope';
import { BackupError, type SnapshotFigures } from './backup-engine';

export type { SnapshotFigures } from './backup-engine';

export interface BackupManifest extends SnapshotFigures {
  version: 1;
  engine: 'postgres' | 'pglite';
  takenAt: string;
}

/** Anything that runs a statement: a pg Client in a snapshot's transaction, or a Database. */
export interface FigureReader {
  query(text: string): Promise<{ rows: unknown[] }>;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Every table's rows, every tenant's: read as the owner. */
export function readFigures(client: FigureReader): Promise<SnapshotFigures> {
  return inSystemScope(() => readAllFigures(client));
}

async function readAllFigures(client: FigureReader): Promise<SnapshotFigures> {
  const names = (await client.query(`SELECT tablename::text AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`))
    .rows as { name: string }[];
  const tables: Record<string, string> = {};
  if (names.length > 0) {
    const counts = names.map(({ name }) => `SELECT ${literal(name)} AS name, count(*)::text AS rows FROM ${quote(name)}`);
    for (const row of (await client.query(counts.join(' UNION ALL '))).rows as { name: string; rows: string }[]) {
      tables[row.name] = row.rows;
    }
  }
  const hasWallets = names.some((n) => n.name === 'wallets');
  const wallets = hasWallets
    ? ((
        await client.query(
          `SELECT count(*)::text AS count, coalesce(sum(balance), 0)::text AS "balanceSum",
                  md5(coalesce(string_agg(id::text || ':' || balance::text, ',' ORDER BY id), '')) AS checksum
             FROM wallets`,
        )
      ).rows[0] as SnapshotFigures['wallets'])
    : { count: '0', balanceSum: '0', checksum: 'd41d8cd98f00b204e9800998ecf8427e' };
  return { tables, wallets: { count: wallets.count, balanceSum: wallets.balanceSum, checksum: wallets.checksum } };
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** One line per figure that differs between the backup's manifest and the restore, empty when all match. */
export function compareFigures(expected: SnapshotFigures, actual: SnapshotFigures): string[] {
  const problems: string[] = [];
  const tables = [...new Set([...Object.keys(expected.tables), ...Object.keys(actual.tables)])].sort();
  for (const table of tables) {
    const want = expected.tables[table];
    const got = actual.tables[table];
    if (want !== got) problems.push(`table ${table}: ${want ?? 'absent'} rows in the backup, ${got ?? 'absent'} restored`);
  }
  for (const key of ['count', 'balanceSum', 'checksum'] as const) {
    if (expected.wallets[key] !== actual.wallets[key]) {
      problems.push(`wallets ${key}: ${expected.wallets[key]} in the backup, ${actual.wallets[key]} restored`);
    }
  }
  return problems;
}

export function readManifest(path: string): BackupManifest {
  if (!existsSync(path)) throw new BackupError(`no manifest beside the backup (${path}): take a new backup with npm run backup`);
  let parsed: Partial<BackupManifest>;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<BackupManifest>;
  } catch {
    throw new BackupError(`the manifest ${path} is not JSON`);
  }
  const ok =
    parsed.version === 1 &&
    typeof parsed.tables === 'object' &&
    parsed.tables !== null &&
    Object.values(parsed.tables).every((v) => typeof v === 'string' && /^\d+$/.test(v)) &&
    typeof parsed.wallets?.count === 'string' &&
    typeof parsed.wallets.balanceSum === 'string' &&
    typeof parsed.wallets.checksum === 'string';
  if (!ok) throw new BackupError(`the manifest ${path} is not one npm run backup writes`);
  return parsed as BackupManifest;
}
