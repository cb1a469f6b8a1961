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
import { Client } from 'pg';
import { BENCH_ADMIN, benchServerEnv, call, startServer } from './bench-server';

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
  const base = process.env.DATABASE_URL;
  if (!base?.startsWith('postgres')) throw new Error('npm run bench:soak needs DATABASE_URL=postgres://… (a server, not PGlite)');
  const admin = new Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${SOAK_DB}`);
  const appDb = new URL(base);
  appDb.pathname = `/${SOAK_DB}`;
  const server = await startServer(benchServerEnv(appDb.toString(), metricsToken));
  try {
    const url = server.url;
    const adminToken = (await call(url, 'POST', '/api/v1/auth/login', BENCH_ADMIN)).accessToken as string;
    const token = (await call(url, 'POST', '/api/v1/auth/register', { email: 'soak@example.com', password: 'soak-password' }))
      .accessToken as string;
    const wallets: string[] = [];
    for (let i = 0; i < WALLETS; i++) {
      const wallet = await call(url, 'POST', '/api/v1/wallets', { currency: 'USD' }, token);
      await call(url, 'POST', `/api/v1/admin/wallets/${wallet.id}/adjustments`, { amount: '1000000000', reason: 'soak' }, adminToken);
      wallets.push(wallet.id as string);
    }
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const pick = () => wallets[Math.floor(Math.random() * wallets.length)]!;
    let n = 0;
    const next = (): autocannon.Request => {
      if (n++ % 2 === 1) return { method: 'GET', path: `/api/v1/wallets/${pick()}`, headers };
      const from = pick();
      let to = pick();
      while (to === from) to = pick();
      return {
        method: 'POST',
        path: '/api/v1/wallet/transfer',
        headers: { ...headers, 'idempotency-key': randomUUID() },
        body: JSON.stringify({ fromWalletId: from, toWalletId: to, amount: '1' }),
      };
    };

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
    await admin.query(`DROP DATABASE IF EXISTS ${SOAK_DB} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
