import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PostgresDatabase } from '../postgres';
import { BackupError } from './backup-engine';
import { runPgTool, type PgTools } from './pitr-tools';

/** Written last into each base backup: what the restore needs to pick one for a target time. */
export const BASE_BACKUP_MANIFEST = 'ocp-base-backup.json';

/** 2026-11-28T03-00-00-000Z: UTC, so names sort in time order. */
const BASE_BACKUP_NAME = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/;

export interface BaseBackup {
  name: string;
  path: string;
  /** The database's clock when pg_basebackup started (rounded down to the millisecond). */
  startedAt: Date;
  /**
   * The database's clock after pg_basebackup returned (rounded up): the backup is consistent at
   * an earlier point, so any recovery target at or after this time can be reached from it.
   */
  finishedAt: Date;
  /** server_version_num of the source (160004): only binaries of the same major version restore it. */
  serverVersionNum: number;
  systemIdentifier: string;
  /** The tar files pg_basebackup wrote (base.tar.gz, pg_wal.tar.gz). */
  files: string[];
}

interface ManifestFile {
  format: 1;
  startedAt: string;
  finishedAt: string;
  serverVersionNum: number;
  systemIdentifier: string;
  files: string[];
}

/**
 * Takes one physical base backup of the server at databaseUrl (a role with REPLICATION) with
 * pg_basebackup in tar format, gzipped, with the WAL it needs streamed alongside, into
 * dir/<UTC time>/. It is written as dir/<UTC time>.partial/ and renamed once complete with its
 * manifest, so an interrupted backup is never listed. The password goes in PGPASSWORD only.
 */
export async function takeBaseBackup(databaseUrl: string, dir: string, tools: PgTools = {}, at = new Date()): Promise<BaseBackup> {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = '';
  mkdirSync(dir, { recursive: true });
  const name = at.toISOString().replace(/[:.]/g, '-');
  const path = resolve(join(dir, name));
  const partial = `${path}.partial`;
  if (existsSync(path)) throw new BackupError(`a base backup named ${name} already exists in ${dir}`);
  rmSync(partial, { recursive: true, force: true });
  const db = new PostgresDatabase({ connectionString: databaseUrl, poolMax: 1, connectTimeoutMs: 10_000 });
  try {
    const source = await describeServer(db);
    const startedAt = await databaseClock(db, 'floor');
    await runPgTool(
      tools,
      'pg_basebackup',
      ['-d', url.toString(), '-D', partial, '-F', 'tar', '-z', '-X', 'stream', '-c', 'fast', '-l', `ocp ${name}`, '-w'],
      { env: { PGPASSWORD: password, PGCONNECT_TIMEOUT: '10' }, secret: password },
    );
    const finishedAt = await databaseClock(db, 'ceil');
    const files = readdirSync(partial)
      .filter((f) => f.endsWith('.tar.gz'))
      .sort();
    const manifest: ManifestFile = {
      format: 1,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      ...source,
      files,
    };
    writeFileSync(join(partial, BASE_BACKUP_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { flag: 'wx' });
    renameSync(partial, path);
    return toBaseBackup(name, path, manifest);
  } finally {
    rmSync(partial, { recursive: true, force: true });
    await db.close();
  }
}

/** The complete base backups in dir (those with a manifest), oldest first; anything else is ignored. */
export function listBaseBackups(dir: string): BaseBackup[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => BASE_BACKUP_NAME.test(n));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const backups: BaseBackup[] = [];
  for (const name of names.sort()) {
    const path = resolve(join(dir, name));
    const manifest = readManifest(join(path, BASE_BACKUP_MANIFEST));
    if (manifest) backups.push(toBaseBackup(name, path, manifest));
  }
  return backups.sort((a, b) => a.finishedAt.getTime() - b.finishedAt.getTime());
}

function readManifest(file: string): ManifestFile | undefined {
  if (!existsSync(file)) return undefined;
  let parsed: Partial<ManifestFile> | null;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<ManifestFile> | null;
  } catch {
    parsed = null; // refused below with the others, by name, instead of escaping as a SyntaxError's stack
  }
  const valid =
    parsed !== null &&
    typeof parsed === 'object' &&
    parsed.format === 1 &&
    !Number.isNaN(Date.parse(String(parsed.startedAt))) &&
    !Number.isNaN(Date.parse(String(parsed.finishedAt))) &&
    Number.isInteger(parsed.serverVersionNum) &&
    Array.isArray(parsed.files);
  if (!valid) throw new BackupError(`${file} is not a base backup manifest of this version`);
  return parsed as ManifestFile;
}

function toBaseBackup(name: string, path: string, m: ManifestFile): BaseBackup {
  return {
    name,
    path,
    startedAt: new Date(m.startedAt),
    finishedAt: new Date(m.finishedAt),
    serverVersionNum: m.serverVersionNum,
    systemIdentifier: m.systemIdentifier,
    files: m.files,
  };
}

async function describeServer(db: PostgresDatabase): Promise<{ serverVersionNum: number; systemIdentifier: string }> {
  const { rows } = await db.query<{ version: string; system: string }>(
    `SELECT current_setting('server_version_num') AS version, (SELECT system_identifier::text FROM pg_control_system()) AS system`,
  );
  return { serverVersionNum: Number(rows[0]!.version), systemIdentifier: rows[0]!.system };
}

/** The server's clock, not this machine's: recovery targets are compared with commit times it wrote. */
async function databaseClock(db: PostgresDatabase, round: 'floor' | 'ceil'): Promise<Date> {
  const { rows } = await db.query<{ ms: string }>(`SELECT ${round}(extract(epoch FROM clock_timestamp()) * 1000)::text AS ms`);
  return new Date(Number(rows[0]!.ms));
}
