import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Another live process has the embedded database folder open. PGlite is single-process: two
 * processes on one folder each keep their own copy in memory and overwrite each other's writes.
 */
export class DataDirLocked extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
    readonly lockFile: string,
  ) {
    super(
      `The embedded database in ${dataDir} is in use by another process (pid ${pid}${pid === process.pid ? ', this one' : ''}). ` +
        `PGlite allows one process per folder: stop that process first (or use its API), then run this again. ` +
        `If no such process exists, delete ${lockFile}.`,
    );
    this.name = 'DataDirLocked';
  }
}

/** Lock files this process holds (a pid equal to ours in a lock we do not hold is a previous life, e.g. pid 1 in a container). */
const held = new Set<string>();

/**
 * Takes `<folder>.lock` next to the PGlite folder (so in DATA_DIR), holding this process's pid.
 * The file is made complete under a private name and then hard-linked into place, which fails
 * atomically when it exists, so no one ever reads a half-written lock. A lock whose pid is not a
 * live process (the holder was killed with -9 or crashed) is taken over. Returns the release
 * function, which removes the file if it is still ours.
 */
export function lockDataDir(pgliteDir: string): () => void {
  const lockFile = join(dirname(pgliteDir), `${basename(pgliteDir)}.lock`);
  mkdirSync(dirname(lockFile), { recursive: true });
  const mine = `${lockFile}.${process.pid}.tmp`;
  writeFileSync(mine, `${process.pid}\n`);
  try {
    for (let attempt = 0; ; attempt += 1) {
      try {
        linkSync(mine, lockFile);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 2) throw error;
      }
      const holder = readHolder(lockFile);
      if (holder === undefined) continue; // removed in between: try again
      if (held.has(lockFile) || (holder !== process.pid && isAlive(holder))) {
        throw new DataDirLocked(dirname(lockFile), holder, lockFile);
      }
      // Stale: its process is gone.
      try {
        unlinkSync(lockFile);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  } finally {
    unlinkSync(mine);
  }
  held.add(lockFile);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    held.delete(lockFile);
    if (readHolder(lockFile) === process.pid) unlinkSync(lockFile);
  };
}

function readHolder(lockFile: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(lockFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const pid = Number.parseInt(text.trim(), 10);
  // Not a pid (written by hand or by something else): treat it as held by no live process.
  return Number.isSafeInteger(pid) && pid > 0 ? pid : 0;
}

function isAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
