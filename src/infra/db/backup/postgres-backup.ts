import { execFile } from 'node:child_process';
import { grantTenantRole } from '../migrate';
import { Client } from 'pg';
import { PostgresDatabase } from '../postgres';
import { BackupError, type BackupEngine } from './backup-engine';
import { readFigures, type SnapshotFigures } from './backup-manifest';

const TOOL_TIMEOUT_MS = 60 * 60 * 1000;

/**
 * pg_dump / pg_restore against DATABASE_URL. The password goes to the tools in PGPASSWORD, never
 * on their command line, where any user of the machine could read it in the process list.
 * pg_dump must be of the server's major version or newer (it refuses an older one).
 */
export class PostgresBackup implements BackupEngine {
  readonly engine = 'postgres' as const;
  readonly extension = 'dump';
  private readonly dbname: string;
  private readonly password: string;

  constructor(private readonly databaseUrl: string) {
    const url = new URL(databaseUrl);
    this.password = decodeURIComponent(url.password);
    url.password = '';
    this.dbname = url.toString();
  }

  async backup(path: string): Promise<SnapshotFigures> {
    // The figures and the dump read one snapshot: a REPEATABLE READ transaction exports it, counts
    // in it, and pg_dump --snapshot copies exactly that state while the application keeps writing.
    // The custom format is compressed and read by pg_restore.
    const client = new Client({ connectionString: this.databaseUrl, connectionTimeoutMillis: 10_000 });
    try {
      await client.connect();
    } catch (error) {
      throw new BackupError(`cannot connect to the database: ${this.scrub((error as Error).message)}`);
    }
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const { rows } = await client.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot');
      const figures = await readFigures(client);
      await this.run('pg_dump', [
        '--format=custom',
        '--no-owner',
        '--no-privileges',
        `--snapshot=${rows[0]!.snapshot}`,
        `--file=${path}`,
        `--dbname=${this.dbname}`,
      ]);
      await client.query('COMMIT');
      return figures;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async isEmpty(): Promise<boolean> {
    const db = new PostgresDatabase({ connectionString: this.databaseUrl, poolMax: 1 });
    try {
      const { rows } = await db.query<{ objects: bigint }>(
        `SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND ${USER_SCHEMA})
              + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE ${USER_SCHEMA})
              AS objects`,
      );
      return Number(rows[0]!.objects) === 0;
    } finally {
      await db.close();
    }
  }

  async restore(path: string): Promise<void> {
    // One transaction: a restore that fails half-way leaves the database empty, ready to retry.
    await this.run('pg_restore', [
      '--no-owner',
      '--no-privileges',
      '--exit-on-error',
      '--single-transaction',
      `--dbname=${this.dbname}`,
      path,
    ]);
    // --no-privileges restored the tables without the tenants' role's rights on them.
    const db = new PostgresDatabase({ connectionString: this.databaseUrl, poolMax: 1 });
    try {
      await grantTenantRole(db);
    } finally {
      await db.close();
    }
  }

  private run(tool: string, args: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const env = { ...process.env, PGPASSWORD: this.password, PGCONNECT_TIMEOUT: '10' };
      execFile(tool, args, { env, timeout: TOOL_TIMEOUT_MS, maxBuffer: 10 * 1024 * 1024 }, (error, _stdout, stderr) => {
        if (!error) return resolve();
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        const reason = missing ? `${tool} is not installed (install the PostgreSQL client tools)` : this.scrub(stderr.trim());
        reject(new BackupError(`${tool} failed: ${reason || `exit code ${String(error.code)}`}`));
      });
    });
  }

  private scrub(text: string): string {
    return this.password ? text.split(this.password).join('***') : text;
  }
}

const USER_SCHEMA =
  "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'";
