import { execFileSync } from 'node:child_process';

/** pgbench's built-in TPC-B-like transaction on a scratch database of the same server. */
export function pgbenchTps(serverUrl: URL, database: string, seconds: number): number {
  const args = ['-h', serverUrl.hostname, '-p', serverUrl.port || '5432', '-U', serverUrl.username || 'postgres'];
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(serverUrl.password) };
  execFileSync('pgbench', [...args, '-i', '-q', database], { env, stdio: 'ignore' });
  const out = execFileSync('pgbench', [...args, '-M', 'prepared', '-c', '8', '-j', '2', '-T', String(seconds), database], {
    env,
    encoding: 'utf8',
  });
  const tps = /tps = ([0-9.]+)/.exec(out)?.[1];
  if (!tps) throw new Error(`could not read pgbench output:\n${out}`);
  return Number(tps);
}
