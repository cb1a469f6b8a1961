import { randomBytes } from 'node:crypto';
import { mkdtempSync, openAsBlob, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { Database } from '../database';
import { PgliteDatabase } from '../pglite';
import { PostgresDatabase } from '../postgres';
import { BackupError } from './backup-engine';
import { PostgresBackup } from './postgres-backup';

/** A throw-away database holding one restored backup, for the recovery drill. */
export interface ScratchRestore {
  db: Database;
  /** Where it is, for the report: a database name or a folder. Never a password. */
  where: string;
  /** Closes it and, unless kept, deletes it. */
  close(keep: boolean): Promise<void>;
}

/**
 * Restores a pg_dump file into a new database `ocp_drill_<UTC time>_<random>` on the server of
 * serverUrl (DRILL_DATABASE_URL, else DATABASE_URL's own server), created here and dropped after.
 */
export async function restoreIntoScratchPostgres(serverUrl: string, file: string, at: Date): Promise<ScratchRestore> {
  const name = `ocp_drill_${at.toISOString().replace(/[-:.]/g, '').toLowerCase()}_${randomBytes(3).toString('hex')}`;
  await onServer(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const drop = () => onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  try {
    await new PostgresBackup(url.toString()).restore(file);
  } catch (error) {
    await drop();
    throw error;
  }
  const db = new PostgresDatabase({ connectionString: url.toString(), poolMax: 2 });
  return {
    db,
    where: `database ${name} on ${url.host}`,
    async close(keep) {
      await db.close();
      if (!keep) await drop();
    },
  };
}

/** Restores a PGlite tarball into a new temporary folder, deleted after. */
export async function restoreIntoScratchPglite(file: string): Promise<ScratchRestore> {
  const dir = mkdtempSync(join(tmpdir(), 'ocp-drill-'));
  let db: PgliteDatabase;
  try {
    db = await PgliteDatabase.open(dir, await openAsBlob(file));
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new BackupError(`the PGlite backup could not be restored: ${(error as Error).message}`);
  }
  return {
    db,
    where: `folder ${dir}`,
    async close(keep) {
      await db.close();
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function onServer(serverUrl: string, statement: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    await client.query(statement);
  } catch (error) {
    const password = decodeURIComponent(new URL(serverUrl).password);
    const message = (error as Error).message;
    throw new BackupError(`${statement.split(' ')[0]} DATABASE failed: ${password ? message.split(password).join('***') : message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
