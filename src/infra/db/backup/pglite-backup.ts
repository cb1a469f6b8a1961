import { existsSync, openAsBlob, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { PgliteDatabase } from '../pglite';
import { BackupError, type BackupEngine } from './backup-engine';
import { readFigures, type SnapshotFigures } from './backup-manifest';

/**
 * The embedded store's backup: PGlite's own tarball of its data folder, taken by the only process
 * that has the folder open, so stop the server first (PGlite is single-process).
 */
export class PgliteBackup implements BackupEngine {
  readonly engine = 'pglite' as const;
  readonly extension = 'tar.gz';

  constructor(private readonly dataDir: string) {}

  async backup(path: string): Promise<SnapshotFigures> {
    // Opening a missing folder would create a new, empty database and back that up.
    if (await this.isEmpty()) throw new BackupError(`no PGlite database in ${this.dataDir}`);
    const db = await PgliteDatabase.open(this.dataDir);
    try {
      // This process alone has the folder open (data-dir-lock.ts): nothing writes between the two.
      const figures = await readFigures(db);
      await writeFile(path, await db.dumpDataDir(), { flag: 'wx' });
      return figures;
    } finally {
      await db.close();
    }
  }

  async isEmpty(): Promise<boolean> {
    return !existsSync(this.dataDir) || readdirSync(this.dataDir).length === 0;
  }

  async restore(path: string): Promise<void> {
    const db = await PgliteDatabase.open(this.dataDir, await openAsBlob(path));
    await db.close();
  }
}
