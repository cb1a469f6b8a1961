/**
 * npm run bench:session-scope: what a tenant's lone statement costs with its scope set per
 * transaction (BEGIN; SET LOCAL …; statement; COMMIT) and kept per session (DATABASE_SESSION_SCOPE:
 * the statement bare). Both forms run through PostgresDatabase on a migrated database of their own,
 * 16 statements at a time, alternating four times in one run so neither gets a quieter minute.
 * docs/performance.md#tenants quotes it. Needs DATABASE_URL (a role that may create databases).
 */
import { migrate } from '../src/infra/db/migrate';
import { PostgresDatabase } from '../src/infra/db/postgres';
import { inSystemScope, inTenant } from '../src/infra/tenant-scope';
import { DEFAULT_TENANT_ID } from '../src/shared/tenant-settings';
import { scratchDatabase } from './bench-server';
import { postgresCpuSeconds } from './cpu';

const STATEMENTS = 20_000;
const CONCURRENCY = 16;
const ROUNDS = 4;
const DATABASE = `ocp_scope_${process.pid}`;

async function measure(url: string, sessionScope: boolean): Promise<string> {
  const db = new PostgresDatabase({ connectionString: url, poolMax: CONCURRENCY, sessionScope });
  try {
    const once = () => inTenant(DEFAULT_TENANT_ID, () => db.query('SELECT id FROM wallets WHERE id = $1', ['wal_none']));
    for (let i = 0; i < 500; i++) await once(); // warm-up: connections open, statements prepared
    const postgresBefore = postgresCpuSeconds() ?? 0;
    const cpuBefore = process.cpuUsage();
    const started = process.hrtime.bigint();
    let left = STATEMENTS;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (left-- > 0) await once();
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuBefore);
    const postgres = (postgresCpuSeconds() ?? 0) - postgresBefore;
    const perStatementUs = (s: number) => ((s * 1e6) / STATEMENTS).toFixed(1);
    return `| ${sessionScope ? 'kept per session' : 'per transaction'} | ${Math.round(STATEMENTS / seconds)} | ${perStatementUs(postgres)} µs | ${perStatementUs((cpu.user + cpu.system) / 1e6)} µs |`;
  } finally {
    await db.close();
  }
}

async function main(): Promise<void> {
  const database = await scratchDatabase('bench:session-scope', DATABASE);
  const url = database.url;
  try {
    const setup = new PostgresDatabase({ connectionString: url.toString(), poolMax: 2 });
    await inSystemScope(() => migrate(setup));
    await setup.close();
    const print = (line: string) => process.stdout.write(`${line}\n`);
    print('| tenant scope | lone statements/s | PostgreSQL CPU per statement | Node CPU per statement |');
    print('|---|---|---|---|');
    for (let round = 0; round < ROUNDS; round++) {
      for (const sessionScope of [false, true]) print(await measure(url.toString(), sessionScope));
    }
  } finally {
    await database.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
  process.exit(1);
});
