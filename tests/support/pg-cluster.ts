import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A PostgreSQL cluster of a test's own (initdb into a temp dir, its own port), never the shared
 * server on 5432: for tests that need a replica or a pooler in front. Runs as the `postgres` user,
 * which the server binaries require when the tests run as root.
 */
export interface OwnCluster {
  port: number;
  dir: string;
  url(database?: string): string;
  psql(sql: string, database?: string): Promise<string>;
  stop(): Promise<void>;
}

/** The newest PostgreSQL server binaries installed, or undefined when there are none. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Runs a command as the postgres user (root may not run the server binaries). */
async function asPostgres(command: string, args: string[]): Promise<string> {
  const asRoot = process.getuid?.() === 0;
  const { stdout } = asRoot ? await run('runuser', ['-u', 'postgres', '--', command, ...args]) : await run(command, args);
  return stdout;
}

/** An empty temp dir owned by the postgres user (a data directory or a WAL archive of a test's own). */
export function ownedTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (process.getuid?.() === 0) {
    const { uid, gid } = postgresIds();
    chownSync(dir, uid, gid);
  }
  return dir;
}

function postgresIds(): { uid: number; gid: number } {
  // `id` is simpler than parsing /etc/passwd and always there.
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
  return { uid, gid };
}

async function startCluster(bin: string, dir: string, settings: string[]): Promise<OwnCluster> {
  const port = await freePort();
  const options = [`-p ${port}`, `-k ${dir}`, '-c listen_addresses=127.0.0.1', '-c fsync=off', ...settings].join(' ');
  await asPostgres(join(bin, 'pg_ctl'), ['-D', dir, '-o', options, '-l', join(dir, 'server.log'), '-w', '-t', '30', 'start']);
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    port,
    dir,
    url,
    psql: (sql, database) => asPostgres(join(bin, 'psql'), ['-X', '-qtA', '-d', url(database), '-c', sql]).then((s) => s.trim()),
    stop: async () => {
      await asPostgres(join(bin, 'pg_ctl'), ['-D', dir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A fresh primary that streams WAL (wal_level replica), with trust auth for local users and
 * replication; settings are more `-c name=value` options (archive_mode, archive_command...).
 */
export async function startPrimary(bin: string, settings: string[] = []): Promise<OwnCluster> {
  const dir = ownedTempDir('ocp-pg-primary-');
  await asPostgres(join(bin, 'initdb'), ['-D', dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  return startCluster(bin, dir, ['-c wal_level=replica', '-c max_wal_senders=4', '-c max_connections=60', ...settings]);
}

/** Stops whatever server runs on the data directory dir (started by another tool) and deletes dir. */
export async function stopDataDir(bin: string, dir: string): Promise<void> {
  await asPostgres(join(bin, 'pg_ctl'), ['-D', dir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}

/** A streaming replica of the primary: pg_basebackup -R, then a second postgres on its own port. */
export async function startReplica(bin: string, primary: OwnCluster): Promise<OwnCluster> {
  const dir = ownedTempDir('ocp-pg-replica-');
  await asPostgres(join(bin, 'pg_basebackup'), ['-d', primary.url(), '-D', dir, '-R', '-X', 'stream', '-c', 'fast', '--no-sync']);
  return startCluster(bin, dir, ['-c hot_standby=on', '-c max_connections=60']);
}

/** pgbouncer's binary when the Debian package is installed. */
export const PGBOUNCER_BIN = '/usr/sbin/pgbouncer';

export interface OwnPgbouncer {
  url(database: string): string;
  stop(): Promise<void>;
}

/**
 * A pgbouncer of the test's own in transaction pooling mode (its own config, port and temp dir) in
 * front of one database of the cluster. Runs as `postgres` (it refuses root) and daemonizes; stopped
 * by the pid it wrote.
 */
export async function startPgbouncer(cluster: OwnCluster, database: string, poolSize = 10): Promise<OwnPgbouncer> {
  const dir = ownedTempDir('ocp-pgbouncer-');
  const port = await freePort();
  const config = [
    '[databases]',
    `${database} = host=127.0.0.1 port=${cluster.port} dbname=${database}`,
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    'unix_socket_dir =',
    'auth_type = trust',
    `auth_file = ${join(dir, 'users.txt')}`,
    'pool_mode = transaction',
    `default_pool_size = ${poolSize}`,
    'max_client_conn = 200',
    // Sent by some clients at start-up; in transaction mode a session setting would not follow the client.
    'ignore_startup_parameters = extra_float_digits',
    `logfile = ${join(dir, 'pgbouncer.log')}`,
    `pidfile = ${join(dir, 'pgbouncer.pid')}`,
  ].join('\n');
  writeFileSync(join(dir, 'users.txt'), '"postgres" ""\n');
  writeFileSync(join(dir, 'pgbouncer.ini'), `${config}\n`);
  await asPostgres(PGBOUNCER_BIN, ['-d', join(dir, 'pgbouncer.ini')]);
  const pid = await waitForPidFile(join(dir, 'pgbouncer.pid'));
  return {
    url: (db) => `postgres://postgres@127.0.0.1:${port}/${db}`,
    stop: async () => {
      try {
        process.kill(pid, 'SIGINT');
      } catch {
        // already gone
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPidFile(path: string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    if (existsSync(path)) {
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (pid > 0) return pid;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`pgbouncer wrote no pid file at ${path}`);
}
