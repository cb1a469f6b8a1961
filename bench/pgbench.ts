import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Creates pgbench's TPC-B-like tables on a scratch database of the same server (scale 1). */
export function pgbenchInit(serverUrl: URL, database: string): void {
  const { args, env } = connection(serverUrl);
  execFileSync('pgbench', [...args, '-i', '-q', database], { env, stdio: 'ignore' });
}

/** One timed run of pgbench's built-in TPC-B-like transaction on the database pgbenchInit prepared. */
export function pgbenchTps(serverUrl: URL, database: string, seconds: number): number {
  return run(serverUrl, ['-M', 'prepared', '-c', '8', '-j', '2', '-T', String(seconds), database]);
}

/**
 * The ledger's own ceiling on this server: pgbench calling ocp_post_transfers directly with one
 * transfer per call (one statement, no HTTP, no idempotency or webhook rows) between random pairs
 * of the given wallets, each moving 1 unit. Conservation still holds: every call is a balanced transfer.
 */
export function pgbenchPostingTps(serverUrl: URL, database: string, walletIds: readonly string[], seconds: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'ocp-pgbench-'));
  try {
    const script = join(dir, 'posting.sql');
    const ids = `ARRAY[${walletIds.map((id) => `'${id.replace(/'/g, "''")}'`).join(',')}]`;
    writeFileSync(
      script,
      [
        `\\set a random(1, ${walletIds.length})`,
        `\\set b random(1, ${walletIds.length - 1})`,
        '\\set b CASE WHEN :b >= :a THEN :b + 1 ELSE :b END',
        `SELECT * FROM ocp_post_transfers(ARRAY['trf_pgbench_' || md5(random()::text)], '{transfer}',`,
        `  ARRAY[(${ids})[:a::int]], ARRAY[(${ids})[:b::int]], '{1}', '{USD}', ARRAY['txn_pgbench_' || md5(random()::text)],`,
        `  ARRAY['txn_pgbench_' || md5(random()::text)], '{NULL}', '{bench}', '{NULL}', '{"{}"}');`,
      ].join('\n'),
    );
    // The rows the postings write are the default tenant's (their tenant_id comes from this setting).
    return run(serverUrl, ['-n', '-f', script, '-M', 'prepared', '-c', '8', '-j', '2', '-T', String(seconds), database], {
      PGOPTIONS: '-c ocp.tenant_id=ten_default',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function connection(serverUrl: URL) {
  const args = ['-h', serverUrl.hostname, '-p', serverUrl.port || '5432', '-U', serverUrl.username || 'postgres'];
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(serverUrl.password) };
  return { args, env };
}

function run(serverUrl: URL, options: string[], extraEnv: Record<string, string> = {}): number {
  const { args, env } = connection(serverUrl);
  const out = execFileSync('pgbench', [...args, ...options], { env: { ...env, ...extraEnv }, encoding: 'utf8' });
  const tps = /tps = ([0-9.]+)/.exec(out)?.[1];
  if (!tps) throw new Error(`could not read pgbench output:\n${out}`);
  return Number(tps);
}
