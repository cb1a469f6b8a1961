/**
 * npm run bench:soak: a memory soak. One OCP process takes 32 connections of mixed load (a
 * transfer, then a balance read) for OCP_SOAK_SECONDS (600 by default); every SOAK_SAMPLE_SECONDS
 * (5) the server's RSS, its posting queue and its idempotency leases are read from /metrics.
 * Prints the mean RSS of the first minute against the last (a quarter of the run each when it is
 * shorter than four minutes) with the growth, the largest queue and lease counts seen, and both
 * again once the load has stopped, when they must be back at 0.
 * Needs DATABASE_URL (a PostgreSQL server whose role may create databases); uses REDIS_URL if set.
 */
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { bearer, benchServerEnv, fundedWallets, randomOf, randomPairTransfer, scratchDatabase, startServer } from './bench-server';

/** The bearer token for the server's /metrics. */
const metricsToken = randomUUID() + randomUUID();
const SECONDS = Number(process.env.OCP_SOAK_SECONDS ?? 600);
const SAMPLE_SECONDS = Number(process.env.SOAK_SAMPLE_SECONDS ?? 5);
const CONNECTIONS = 32;
/** Named after this run, so two soaks on one server do not drop each other's database. */
const SOAK_DB = `ocp_soak_${process.pid}`;
const WALLETS = 32;

interface Sample {
  atSeconds: number;
  rssMb: number;
  postingQueue: number;
  idempotencyLeases: number;
}

function gauge(metrics: string, name: string): number {
  const value = new RegExp(`^${name} ([0-9.e+]+)$`, 'm').exec(metrics)?.[1];
  if (value === undefined) throw new Error(`/metrics has no ${name}`);
  return Number(value);
}

async function sample(url: string, startedAt: number): Promise<Sample> {
  const metrics = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).text();
  return {
    atSeconds: Math.round((Date.now() - startedAt) / 1000),
    rssMb: gauge(metrics, 'process_resident_memory_bytes') / 1e6,
    postingQueue: gauge(metrics, 'ocp_posting_queue_waiting'),
    idempotencyLeases: gauge(metrics, 'ocp_idempotency_leases'),
  };
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1);

async function main(): Promise<void> {
  const database = await scratchDatabase('bench:soak', SOAK_DB);
  const server = await startServer(benchServerEnv(database.url.toString(), metricsToken));
  try {
    const url = server.url;
    const { token, wallets } = await fundedWallets(url, 'soak@example.com', WALLETS);
    const headers = bearer(token);
    let n = 0;
    const next = (): autocannon.Request =>
      n++ % 2 === 1 ? { method: 'GET', path: `/api/v1/wallets/${randomOf(wallets)}`, headers } : randomPairTransfer(headers, wallets);

    const startedAt = Date.now();
    const samples: Sample[] = [];
    const sampler = setInterval(() => {
      void sample(url, startedAt).then((s) => samples.push(s));
    }, SAMPLE_SECONDS * 1000);
    const result = await autocannon({
      url,
      connections: CONNECTIONS,
      duration: SECONDS,
      requests: [{ setupRequest: (req) => ({ ...req, ...next() }) }],
    });
    clearInterval(sampler);
    // Give requests cut by the end of the run a moment to settle before reading the idle gauges.
    await new Promise((r) => setTimeout(r, 2000));
    const idle = await sample(url, startedAt);

    const window = Math.min(60, SECONDS / 4);
    const first = mean(samples.filter((s) => s.atSeconds <= window).map((s) => s.rssMb));
    const last = mean(samples.filter((s) => s.atSeconds >= SECONDS - window).map((s) => s.rssMb));
    const growth = ((last - first) / first) * 100;
    const lines = [
      `soak: ${SECONDS} s at ${CONNECTIONS} connections, transfers and balance reads alternating; ${Math.round(result['2xx'] / SECONDS)} requests/s, ${result.non2xx + result.errors + result.timeouts} non-2xx/errors`,
      `RSS samples (s: MB): ${samples.map((s) => `${s.atSeconds}: ${s.rssMb.toFixed(0)}`).join(', ')}`,
      `RSS first ${window} s: ${first.toFixed(1)} MB, last ${window} s: ${last.toFixed(1)} MB, growth ${growth.toFixed(1)}% (target within 10%)`,
      `posting queue waiting: max ${Math.max(...samples.map((s) => s.postingQueue))} under load, ${idle.postingQueue} after`,
      `idempotency leases held: max ${Math.max(...samples.map((s) => s.idempotencyLeases))} under load, ${idle.idempotencyLeases} after`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (idle.postingQueue !== 0 || idle.idempotencyLeases !== 0) process.exitCode = 1;
  } finally {
    await server.stop();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
