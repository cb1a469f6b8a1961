import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BackupEngine } from './backup-engine';

/** ocp-2026-11-28T11-12-49-123Z.dump: UTC, so names sort in time order. */
const BACKUP_NAME = /^ocp-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z\.(dump|tar\.gz)$/;

export function backupName(at: Date, extension: string): string {
  return `ocp-${at.toISOString().replace(/[:.]/g, '-')}.${extension}`;
}

/** The backups in dir, oldest first; anything else in the folder is ignored and never deleted. */
export function listBackups(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => BACKUP_NAME.test(name))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * Writes a backup to a ".partial" name and renames it once complete, so a backup that failed or
 * was interrupted never looks like one and never counts towards retention.
 */
export async function writeBackup(engine: BackupEngine, dir: string, at = new Date()): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const path = resolve(join(dir, backupName(at, engine.extension)));
  const partial = `${path}.partial`;
  rmSync(partial, { force: true });
  try {
    await engine.backup(partial);
    renameSync(partial, path);
    return path;
  } finally {
    rmSync(partial, { force: true });
  }
}

/** Deletes all but the newest `keep` backups in dir; returns the names it deleted. */
export function pruneBackups(dir: string, keep: number): string[] {
  const expired = listBackups(dir).slice(0, -keep);
  for (const name of expired) rmSync(join(dir, name));
  return expired;
}
