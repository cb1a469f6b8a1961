import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { BackupError } from './backup-engine';
import { expiredByAge, timeOfStamp, type RetentionPolicy } from './backup-files';

/**
 * The age rule for point-in-time recovery's files, on this layout (docs/runbooks/backups-and-restore-drills.md):
 * - BASE_BACKUP_DIR/<UTC stamp>/ : one pg_basebackup each (2026-11-28T03-00-00Z or …-00-000Z), with
 *   the backup_manifest pg_basebackup writes (its WAL-Ranges name where replay must start);
 * - WAL_ARCHIVE_DIR/<24 hex> : segments as archive_command copies them (.partial, .backup history
 *   files and a .gz/.zst/.lz4/.bz2 ending are read too; .history files are kept).
 * Base backups older than the policy go, except the newest of them (a recovery to the start of the
 * window replays from it) and the newest keepMin; then WAL segments older than the start of the
 * oldest base backup kept go, as pg_archivecleanup would (timeline ignored): nothing can replay
 * them. Names not of this layout are never touched.
 */
export interface WalPruneResult {
  baseBackups: string[];
  walFiles: string[];
  oldestKeptSegment?: string;
  /** Why no WAL was deleted, when it could have been. */
  skipped?: string;
}

const WAL_FILE = /^([0-9A-F]{8})([0-9A-F]{16})(\.partial|\.[0-9A-F]{8}\.backup)?(\.gz|\.zst|\.lz4|\.bz2)?$/;
/** PostgreSQL's default segment size (initdb --wal-segsize changes it: then this cleanup is wrong). */
const SEGMENT_BYTES = 16n * 1024n * 1024n;

export function pruneWalArchive(baseDir: string, walDir: string | undefined, policy: RetentionPolicy): WalPruneResult {
  const bases = datedFolders(baseDir);
  // Replay to a time starts from the newest base backup before it: the window's first days start
  // from one older than the window, which stays until a newer one is old enough to take its place.
  const cutoff = policy.now.getTime() - policy.days * 86_400_000;
  const expired = expiredByAge(bases, policy).filter((b) => bases.some((o) => o.at > b.at && o.at.getTime() <= cutoff));
  const kept = bases.filter((b) => !expired.includes(b));
  for (const base of expired) rmSync(join(baseDir, base.name), { recursive: true, force: true });
  const result: WalPruneResult = { baseBackups: expired.map((b) => b.name), walFiles: [] };
  if (!walDir) return result;
  const oldest = kept[0];
  if (!oldest) return { ...result, skipped: `no base backup in ${baseDir}: WAL is kept` };
  const start = startSegment(join(baseDir, oldest.name));
  if (!start) return { ...result, skipped: `${oldest.name} has no readable backup_manifest: WAL is kept` };
  for (const name of listDir(walDir)) {
    const m = WAL_FILE.exec(name);
    if (m && m[2]! < start.slice(8)) {
      rmSync(join(walDir, name), { force: true });
      result.walFiles.push(name);
    }
  }
  return { ...result, oldestKeptSegment: start };
}

/** The WAL segment a base backup's replay starts from, from its backup_manifest, or undefined. */
export function startSegment(folder: string): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(folder, 'backup_manifest'), 'utf8')) as {
      'WAL-Ranges'?: { Timeline: number; 'Start-LSN': string }[];
    };
    const range = manifest['WAL-Ranges']?.[0];
    const lsn = /^([0-9A-F]{1,8})\/([0-9A-F]{1,8})$/i.exec(range?.['Start-LSN'] ?? '');
    if (!range || !lsn || !Number.isInteger(range.Timeline)) return undefined;
    return segmentName(range.Timeline, (BigInt(`0x${lsn[1]}`) << 32n) | BigInt(`0x${lsn[2]}`));
  } catch {
    return undefined;
  }
}

/** The file name of the segment holding lsn: timeline, then the segment number as two 8-hex halves. */
export function segmentName(timeline: number, lsn: bigint): string {
  const segno = lsn / SEGMENT_BYTES;
  const perId = 0x1_0000_0000n / SEGMENT_BYTES;
  const hex = (v: bigint | number) => v.toString(16).toUpperCase().padStart(8, '0');
  return hex(timeline) + hex(segno / perId) + hex(segno % perId);
}

/**
 * The hourly incremental: closes the current WAL segment (when anything was written since the last
 * switch) so archive_command ships it. Needs a superuser or EXECUTE on pg_switch_wal.
 */
export async function switchWal(databaseUrl: string): Promise<string> {
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ segment: string }>('SELECT pg_walfile_name(pg_switch_wal()) AS segment');
    return rows[0]!.segment;
  } catch (error) {
    const password = decodeURIComponent(new URL(databaseUrl).password);
    const message = (error as Error).message;
    throw new BackupError(`pg_switch_wal failed: ${password ? message.split(password).join('***') : message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function datedFolders(dir: string): { name: string; at: Date }[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => ({ name: e.name, at: timeOfStamp(e.name) }))
    .filter((e): e is { name: string; at: Date } => e.at !== undefined)
    .sort((a, b) => a.at.getTime() - b.at.getTime());
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
