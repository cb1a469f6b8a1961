import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BackupEngine } from './backup-engine';
import type { BackupManifest } from './backup-manifest';

/** ocp-2026-11-28T11-12-49-123Z.dump: UTC, so names sort in time order. */
const BACKUP_NAME = /^ocp-(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z)\.(dump|tar\.gz)$/;
/** The figures written beside a backup from the same snapshot (backup-manifest.ts). */
export const MANIFEST_SUFFIX = '.manifest.json';

export function backupName(at: Date, extension: string): string {
  return `ocp-${stampOf(at)}.${extension}`;
}

/** 2026-11-28T11-12-49-123Z: an ISO time with the colons and dot made dashes (safe in any file name). */
export function stampOf(at: Date): string {
  return at.toISOString().replace(/[:.]/g, '-');
}

/**
 * The UTC time a stamp names, or undefined when it is not one stampOf writes (seconds-only stamps
 * of shell scripts, `date -u +%Y-%m-%dT%H-%M-%SZ`, are read too). A name that does not read back
 * exactly (a 31st of February) is not ours.
 */
export function timeOfStamp(stamp: string): Date | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})(?:-(\d{3}))?Z$/.exec(stamp);
  if (!m) return undefined;
  const at = new Date(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5] ?? '000'}Z`);
  if (Number.isNaN(at.getTime())) return undefined;
  const back = stampOf(at);
  return back === stamp || back === `${stamp.slice(0, -1)}-000Z` ? at : undefined;
}

/** The backups in dir, oldest first; anything else in the folder is ignored and never deleted. */
export function listBackups(dir: string): string[] {
  return listDated(dir)
    .filter((e) => e.isFile)
    .map((e) => e.name);
}

/** When a backup's name says it was taken (never the file's mtime), or undefined for other names. */
export function backupTime(name: string): Date | undefined {
  const m = BACKUP_NAME.exec(name);
  return m ? timeOfStamp(m[1]!) : undefined;
}

/**
 * Writes a backup to a ".partial" name and renames it once complete, so a backup that failed or
 * was interrupted never looks like one and never counts towards retention. The manifest (figures
 * read from the backup's own snapshot, for the recovery drill) is written first, so a backup file
 * never exists without it.
 */
export async function writeBackup(engine: BackupEngine, dir: string, at = new Date()): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const path = resolve(join(dir, backupName(at, engine.extension)));
  const partial = `${path}.partial`;
  rmSync(partial, { force: true });
  try {
    const figures = await engine.backup(partial);
    writeManifest(path, { version: 1, engine: engine.engine, takenAt: at.toISOString(), ...figures });
    renameSync(partial, path);
    return path;
  } finally {
    rmSync(partial, { force: true });
  }
}

function writeManifest(backupPath: string, manifest: BackupManifest): void {
  const path = backupPath + MANIFEST_SUFFIX;
  writeFileSync(`${path}.partial`, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(`${path}.partial`, path);
}

/** How long backups are kept: by age, with a floor of the newest few whatever their age. */
export interface RetentionPolicy {
  now: Date;
  days: number;
  /** The newest this many are never deleted, however old: a stopped schedule keeps its last good backups. */
  keepMin: number;
}

/** Of items sorted oldest first, those older than policy.days, except the newest keepMin. */
export function expiredByAge<T extends { at: Date }>(items: readonly T[], policy: RetentionPolicy): T[] {
  const cutoff = policy.now.getTime() - policy.days * 86_400_000;
  const candidates = items.slice(0, Math.max(0, items.length - policy.keepMin));
  return candidates.filter((item) => item.at.getTime() < cutoff);
}

/** Deletes the backups of dir (and their manifests) older than the policy keeps; returns their names. */
export function pruneBackups(dir: string, policy: RetentionPolicy): string[] {
  const backups = listDated(dir).filter((e) => e.isFile);
  const expired = expiredByAge(backups, policy).map((e) => e.name);
  for (const name of expired) {
    rmSync(join(dir, name));
    rmSync(join(dir, name + MANIFEST_SUFFIX), { force: true });
  }
  return expired;
}

interface DatedEntry {
  name: string;
  at: Date;
  isFile: boolean;
}

function listDated(dir: string): DatedEntry[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .map((e) => ({ name: e.name, at: backupTime(e.name), isFile: e.isFile() }))
      .filter((e): e is DatedEntry => e.at !== undefined)
      .sort((a, b) => a.at.getTime() - b.at.getTime());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
