import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * A whole database of its own (not a schema: pg_dump and pg_restore work on databases), as the
 * settings a script reads: a new database on the PostgreSQL server when DATABASE_URL is set
 * (named test_…), else an empty DATA_DIR for PGlite.
 */
export interface ScratchDatabase {
  engine: 'postgres' | 'pglite';
  env: { DATABASE_URL: string } | { DATA_DIR: string };
  drop: () => Promise<void>;
}

export async function createScratchDatabase(label: string): Promise<ScratchDatabase> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const dir = mkdtempSync(join(tmpdir(), `ocp-${label}-`));
    return { engine: 'pglite', env: { DATA_DIR: dir }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `test_${label}_${randomBytes(5).toString('hex')}`;
  await withServer(url, (admin) => admin.query(`CREATE DATABASE ${name}`));
  const own = new URL(url);
  own.pathname = `/${name}`;
  return {
    engine: 'postgres',
    env: { DATABASE_URL: own.toString() },
    drop: () => withServer(url, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

async function withServer(url: string, fn: (client: Client) => Promise<unknown>): Promise<void> {
  const databaseName = new URL(url).pathname.slice(1);
  if (!/test/i.test(databaseName)) throw new Error(`Refusing to run tests on database "${databaseName}"`);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await fn(client);
  } finally {
    await client.end();
  }
}
