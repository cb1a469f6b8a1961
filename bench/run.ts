/**
 * npm run bench: transfers per second through the HTTP API on PostgreSQL, side by side with
 * pgbench's tpcb-like figure on the same server in the same run, plus a hot-wallet case, balance
 * reads against a bare Express endpoint, p99 ÷ p50 at 64 connections, history on a wallet with a
 * million entries against one with 100, transfers through two API instances on one PostgreSQL and
 * one Redis, and a conservation check after the load. The two ratios against a yardstick (pgbench,
 * bare Express) are taken over BENCH_PAIRED_ROUNDS rounds (default 3) in which each side follows
 * the other, so both sides see the machine at the same minutes.
 * Needs DATABASE_URL (a PostgreSQL server whose role may create databases) and pgbench on PATH;
 * REDIS_URL for the two-instance case (skipped without it). docs/performance.md explains the figures.
 * With BENCH_APP_DATABASE_URL (a pooler such as pgbouncer in front of that server, routing any
 * database name, with DATABASE_PREPARED_STATEMENTS=false in the environment) the app reaches its
 * bench database through it. With BENCH_OTEL=1 the API servers trace (OpenTelemetry) and export
 * to a local OTLP sink: compare with a run without it for tracing's overhead.
 */
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import express from 'express';
import { Client } from 'pg';
import {
  bearer,
  benchServerEnv,
  call,
  fundedWallets,
  scratchDatabase,
  randomOf,
  randomPairTransfer,
  startOtlpSink,
  startServer,
  transferRequest,
  type BenchServer,
} from './bench-server';
import { mainThreadSchedSeconds, postgresCpuSeconds, processCpuSeconds, type SchedSeconds } from './cpu';
import { historyFigures } from './history';
import { pgbenchInit, pgbenchPostingTps, pgbenchTps } from './pgbench';
import { target } from './targets';

/** The bearer token for the server's /metrics. */
const metricsToken = randomUUID() + randomUUID();
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCIES = (process.env.BENCH_CONCURRENCY ?? '8,32,64').split(',').map(Number);
const WALLETS = 64;
// Named after this run, so two benches on one server (two worktrees, or one through pgbouncer) do not
// drop each other's databases mid-run.
const APP_DB = `ocp_bench_${process.pid}`;
const PGBENCH_DB = `ocp_pgbench_${process.pid}`;
const HISTORY_ENTRIES = Number(process.env.BENCH_HISTORY_ENTRIES ?? 1_000_000);
/** Rounds of the two ratios' sides, alternating; each side runs SECONDS a round. */
const PAIRED_ROUNDS = Number(process.env.BENCH_PAIRED_ROUNDS ?? 3);
const PAIRED_CONCURRENCY = 64;

/** One round of the ratios: API transfers, then pgbench; API balance reads, then bare Express. Per second. */
interface PairedRound {
  transfers: number;
  pgbench: number;
  reads: number;
  bare: number;
  /** Non-2xx answers and errors of the round's three HTTP loads. */
  errors: number;
}

interface Row {
  case: string;
  concurrency: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** CPU milliseconds per successful request: the API server, PostgreSQL, this process (the load). */
  cpuMs?: { server: number; postgres: number | null; load: number };
  /** The API's main thread, in seconds per second of the case: on a core, and runnable but waiting for one. */
  mainThread?: SchedSeconds;
}

/**
 * Every case starts from clean buffers: without a CHECKPOINT, a case would pay for the dirty pages
 * the case before it left (and pgbench for the API's), and the two sides of a ratio would not be alike.
 */
let checkpointer: Client | undefined;
async function checkpoint(): Promise<void> {
  await checkpointer?.query('CHECKPOINT');
}

async function load(name: string, url: string, concurrency: number, next: () => autocannon.Request, server?: BenchServer): Promise<Row> {
  await checkpoint();
  const before = {
    server: server ? processCpuSeconds(server.process.pid!) : 0,
    mainThread: server ? mainThreadSchedSeconds(server.process.pid!) : undefined,
    at: performance.now(),
    postgres: postgresCpuSeconds(),
    load: process.cpuUsage(),
  };
  const result = await autocannon({
    url,
    connections: concurrency,
    duration: SECONDS,
    requests: [{ setupRequest: (req) => ({ ...req, ...next() }) }],
  });
  const ok = result['2xx'];
  const postgresAfter = postgresCpuSeconds();
  const load = process.cpuUsage(before.load);
  const perRequestMs = (seconds: number) => Math.round((seconds * 1000 * 1000) / Math.max(ok, 1)) / 1000;
  return {
    case: name,
    concurrency,
    perSecond: Math.round(ok / SECONDS),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts,
    ...(server
      ? {
          cpuMs: {
            server: perRequestMs(processCpuSeconds(server.process.pid!) - before.server),
            postgres: postgresAfter === null || before.postgres === null ? null : perRequestMs(postgresAfter - before.postgres),
            load: perRequestMs((load.user + load.system) / 1e6),
          },
          mainThread: perSecond(before.mainThread!, mainThreadSchedSeconds(server.process.pid!), (performance.now() - before.at) / 1000),
        }
      : {}),
  };
}

async function main(): Promise<void> {
  const app = await scratchDatabase('bench', APP_DB);
  const pgbenchDatabase = await scratchDatabase('bench', PGBENCH_DB);
  const serverUrl = new URL(process.env.DATABASE_URL!);
  checkpointer = app.admin;
  // Through a pooler when BENCH_APP_DATABASE_URL names one, to the same database.
  const appDb = process.env.BENCH_APP_DATABASE_URL ? new URL(process.env.BENCH_APP_DATABASE_URL) : app.url;
  appDb.pathname = `/${APP_DB}`;

  const serverEnv = benchServerEnv(appDb.toString(), metricsToken);
  // BENCH_OTEL=1: tracing on, exporting to a local sink, to measure its overhead against a run without.
  const otlpSink = process.env.BENCH_OTEL === '1' ? await startOtlpSink() : undefined;
  if (otlpSink) serverEnv.OTEL_EXPORTER_OTLP_ENDPOINT = otlpSink.url;
  const server = await startServer(serverEnv);
  const rows: Row[] = [];
  const extraLines: string[] = [];
  try {
    const url = server.url;
    const { token, wallets } = await fundedWallets(url, 'bench@example.com', WALLETS);
    const historyWallets = {
      big: (await call(url, 'POST', '/api/v1/wallets', { currency: 'USD' }, token)).id as string,
      small: (await call(url, 'POST', '/api/v1/wallets', { currency: 'USD' }, token)).id as string,
    };
    const headers = bearer(token);
    const randomPair = () => randomPairTransfer(headers, wallets);
    const [hotWallet, ...others] = wallets as [string, ...string[]];

    for (const c of CONCURRENCIES) rows.push(await load('transfer, random pairs', url, c, randomPair, server));
    rows.push(await load('transfer, one hot source wallet', url, 32, () => transferRequest(headers, hotWallet, randomOf(others)), server));
    const balanceRead = (): autocannon.Request => ({ method: 'GET', path: `/api/v1/wallets/${randomOf(wallets)}`, headers });
    rows.push(await load('balance read (GET /wallets/:id)', url, 32, balanceRead, server));
    rows.push(await load('balance read (GET /wallets/:id)', url, 64, balanceRead, server));
    for (const r of rows.filter((row) => row.concurrency === 64)) {
      extraLines.push(target(`${r.case} at 64: p99 ÷ p50 = ${r.p99Ms} ÷ ${r.p50Ms}`, r.p99Ms / Math.max(r.p50Ms, 1), '≤', 4));
    }

    // The two ratios' sides in alternating rounds: this machine's pace moves by a fifth from one
    // minute to the next, and a yardstick measured minutes after its case would carry that drift.
    // Before the history case: rounds after its million-row insert ran a third slower (autovacuum on the
    // new rows, most likely).
    const bare = await startBareExpress();
    pgbenchInit(serverUrl, PGBENCH_DB);
    const paired: PairedRound[] = [];
    try {
      for (let round = 1; round <= PAIRED_ROUNDS; round++) {
        const transfer = await load('transfer, random pairs', url, PAIRED_CONCURRENCY, randomPair);
        await checkpoint();
        const pgbench = pgbenchTps(serverUrl, PGBENCH_DB, SECONDS);
        const read = await load('balance read (GET /wallets/:id)', url, PAIRED_CONCURRENCY, balanceRead);
        const yardstick = await load('bare Express JSON (same process as load)', bare.url, 32, () => ({ method: 'GET', path: '/wallet' }));
        paired.push({
          transfers: transfer.perSecond,
          pgbench,
          reads: read.perSecond,
          bare: yardstick.perSecond,
          errors: transfer.errors + read.errors + yardstick.errors,
        });
      }
    } finally {
      await bare.stop();
    }

    if (process.env.REDIS_URL) {
      // A second OCP process on the same database and Redis; the load generator splits its
      // connections between the two, as a load balancer would.
      const second = await startServer(serverEnv);
      try {
        const [a, b] = await Promise.all([
          load('two instances: transfers via instance 1', url, 32, randomPair),
          load('two instances: transfers via instance 2', second.url, 32, randomPair),
        ]);
        rows.push(a, b);
        extraLines.push(
          `two API instances (32 + 32 connections): ${a.perSecond + b.perSecond} transfers/s, ${a.errors + b.errors} non-2xx/errors`,
        );
      } finally {
        await second.stop();
      }
    } else {
      extraLines.push('two API instances: skipped (set REDIS_URL so the instances share rate limits and idempotency leases)');
    }

    const historyDb = new Client({ connectionString: appDb.toString() });
    await historyDb.connect();
    try {
      const history = await historyFigures(historyDb, url, token, historyWallets, { big: HISTORY_ENTRIES, small: 100 });
      for (const r of history.rows)
        rows.push({ case: r.case, concurrency: 8, perSecond: r.perSecond, p50Ms: r.p50Ms, p99Ms: r.p99Ms, errors: 0 });
      extraLines.push(...history.lines);
    } finally {
      await historyDb.end();
    }

    const metrics = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).text();
    const rssMb = Number(/process_resident_memory_bytes (\d+)/.exec(metrics)?.[1] ?? 0) / 1e6;

    const check = new Client({ connectionString: appDb.toString() });
    await check.connect();
    const sums = await check.query(`SELECT
      (SELECT sum(balance) FROM wallets)::text AS total,
      (SELECT count(*) FROM wallets WHERE kind = 'user' AND balance < 0)::int AS negative,
      (SELECT count(*) FROM (SELECT transfer_id FROM transactions GROUP BY transfer_id HAVING sum(amount) <> 0 OR count(*) <> 2) x)::int AS unbalanced,
      (SELECT count(*) FROM transfers)::int AS transfers`);
    await check.end();
    await server.stop();

    await checkpoint();
    const postingTps = pgbenchPostingTps(serverUrl, APP_DB, wallets, 15);
    const uniform = rows.filter((r) => r.case.startsWith('transfer, random'));
    const hot = rows.find((r) => r.case.startsWith('transfer, one hot'))!;
    const uniformAt32 = uniform.find((r) => r.concurrency === 32);
    const reads = rows.filter((r) => r.case.startsWith('balance read'));
    const transferCpu = uniform.find((r) => r.concurrency === 64)?.cpuMs;
    const readCpu = reads.find((r) => r.concurrency === 64)?.cpuMs;
    const lines = [
      '| case | concurrency | per second | p50 ms | p99 ms | non-2xx/errors | CPU ms per request: server / PostgreSQL / load |',
      '|---|---|---|---|---|---|---|',
      ...rows.map((r) => `| ${r.case} | ${r.concurrency} | ${r.perSecond} | ${r.p50Ms} | ${r.p99Ms} | ${r.errors} | ${cpuCell(r)} |`),
      `| the posting SQL function alone (pgbench -f, same wallets) | 8 | ${Math.round(postingTps)} | | | | |`,
      '',
      ...pairedLines(paired),
      target(
        `transfers/s at ${PAIRED_CONCURRENCY} ÷ pgbench tps, ${paired.length} alternating rounds = ${sum(paired, 'transfers')} ÷ ${sum(paired, 'pgbench')}`,
        sum(paired, 'transfers') / sum(paired, 'pgbench'),
        '≥',
        1.0,
      ),
      ...(uniformAt32
        ? [
            target(
              `hot source wallet ÷ random pairs at 32 = ${hot.perSecond} ÷ ${uniformAt32.perSecond}`,
              hot.perSecond / uniformAt32.perSecond,
              '≥',
              0.9,
            ),
          ]
        : []),
      target(
        `balance reads/s at ${PAIRED_CONCURRENCY} ÷ bare Express, ${paired.length} alternating rounds = ${sum(paired, 'reads')} ÷ ${sum(paired, 'bare')}`,
        sum(paired, 'reads') / sum(paired, 'bare'),
        '≥',
        0.6,
      ),
      ...extraLines,
      ...(transferCpu && readCpu
        ? [
            `CPU ms per transfer at 64 (server / PostgreSQL / load): ${cpuCell({ cpuMs: transferCpu } as Row)}; per balance read: ${cpuCell({ cpuMs: readCpu } as Row)}`,
          ]
        : []),
      ...rows
        .filter((r) => r.concurrency === 64 && r.mainThread)
        .map(
          (r) =>
            `API main thread, ${r.case} at 64: on a core ${r.mainThread!.onCpu.toFixed(2)} s/s, runnable and waiting for a core ${r.mainThread!.waiting.toFixed(2)} s/s`,
        ),
      `server RSS after load: ${rssMb.toFixed(0)} MB`,
      `conservation: sum of all balances = ${sums.rows[0].total}, negative user wallets = ${sums.rows[0].negative}, unbalanced transfers = ${sums.rows[0].unbalanced}, transfers = ${sums.rows[0].transfers}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    const conserved = sums.rows[0].total === '0' && sums.rows[0].negative === 0 && sums.rows[0].unbalanced === 0;
    if (!conserved) process.exitCode = 1;
  } finally {
    if (server.process.exitCode === null) await server.stop();
    if (otlpSink) {
      process.stdout.write(`BENCH_OTEL=1: tracing on, ${otlpSink.spansBatches()} span batches exported to the local sink\n`);
      await otlpSink.stop();
    }
    await app.drop();
    await pgbenchDatabase.drop();
  }
}

/** Per second of the wall time between the two readings (a case runs a little longer than SECONDS). */
function perSecond(before: SchedSeconds, after: SchedSeconds, seconds: number): SchedSeconds {
  return { onCpu: (after.onCpu - before.onCpu) / seconds, waiting: (after.waiting - before.waiting) / seconds };
}

function sum(rounds: readonly PairedRound[], side: Exclude<keyof PairedRound, 'errors'>): number {
  return Math.round(rounds.reduce((total, round) => total + round[side], 0));
}

/** Each round's figures, so the drift between rounds shows beside the ratios taken over all of them. */
function pairedLines(rounds: readonly PairedRound[]): string[] {
  return rounds.map(
    (r, i) =>
      `round ${i + 1}: transfers ${r.transfers}/s, pgbench tpcb-like (-M prepared -c 8 -j 2) ${Math.round(r.pgbench)} tps; balance reads ${r.reads}/s, bare Express ${r.bare}/s; ${r.errors} non-2xx/errors`,
  );
}

/** A bare Express JSON endpoint in this process, the yardstick of the balance reads. */
async function startBareExpress(): Promise<{ url: string; stop: () => Promise<void> }> {
  const bare = express();
  bare.get('/wallet', (_req, res) => {
    res.json({ id: 'wal_x', balance: '100', currency: 'USD' });
  });
  const server = bare.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

function cpuCell(r: Row): string {
  if (!r.cpuMs) return '';
  return `${r.cpuMs.server} / ${r.cpuMs.postgres ?? '—'} / ${r.cpuMs.load}`;
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
