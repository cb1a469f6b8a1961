import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type autocannon from 'autocannon';
import { Client } from 'pg';

export interface BenchServer {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `src/server.ts` in its own process, so the load generator does not share its event loop. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

/** As `npm start` and the Dockerfile run the API (a young generation of 32 MB: docs/performance.md). */
const API_NODE_FLAGS = ['--max-semi-space-size=32'];

/** Starts `src/server.ts` in its own process, so the load generator does not share its event loop. */
export async function startServer(env: Record<string, string>): Promise<BenchServer> {
  const port = await freePort();
  // BENCH_CPU_PROF=dir writes a V8 CPU profile of the server there (open it in Chrome DevTools).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  // The flags production starts with (npm start, the Dockerfile): the bench measures what runs there.
  const child = spawn(process.execPath, [...profile, ...API_NODE_FLAGS, '--import', 'tsx', join(__dirname, '..', 'src', 'server.ts')], {
    env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let waitedMs = 0; ; waitedMs += 200) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${stderr}`);
    if (
      await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (waitedMs > 60_000) throw new Error(`server did not start:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    process: child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export const BENCH_ADMIN = { email: 'bench-admin@example.com', password: 'bench-admin-password' };

/**
 * The environment of a bench server: production mode on `databaseUrl`, rate limits out of the
 * way, and what the bench itself needs (a /metrics token, an operator who may fund alone).
 */
export function benchServerEnv(databaseUrl: string, metricsToken: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    // Direct connections keep each one's tenant scope for its session; through a pooler in
    // transaction mode (BENCH_APP_DATABASE_URL) they must not.
    DATABASE_SESSION_SCOPE: process.env.BENCH_APP_DATABASE_URL ? 'false' : 'true',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    PUBLIC_BASE_URL: 'https://bench.example.com',
    JWT_SECRET: randomUUID() + randomUUID(),
    ENCRYPTION_KEYS: `bench:${Buffer.from(randomUUID().replace(/-/g, ''), 'utf8').toString('base64')}`,
    ADMIN_EMAIL: BENCH_ADMIN.email,
    ADMIN_PASSWORD: BENCH_ADMIN.password,
    RATE_LIMIT_GLOBAL_MAX: '100000000',
    RATE_LIMIT_USER_MAX: '100000000',
    RATE_LIMIT_PAYMENT_MAX: '100000000',
    API_DOCS_ENABLED: 'false',
    // /metrics is off in production without a token; the bench reads RSS and gauges from it.
    METRICS_TOKEN: metricsToken,
    // The bench funds its wallets with large adjustments from one operator.
    ADJUSTMENT_FOUR_EYES_THRESHOLD_MINOR: '100000000000',
    ADJUSTMENT_FOUR_EYES_DAILY_LIMIT_MINOR: '100000000000000',
  };
}

/** One JSON call to the bench server (with a fresh Idempotency-Key); throws on a non-2xx answer. */
export async function call(url: string, method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(url + path, {
    method,
    headers: {
      'content-type': 'application/json',
      'idempotency-key': randomUUID(),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/**
 * BENCH_OTEL=1: a local OTLP/HTTP sink that accepts and drops every export, so the bench measures
 * tracing's cost in the API (spans made, batched, serialized and sent) without a collector.
 */
export async function startOtlpSink(): Promise<{ url: string; spansBatches: () => number; stop: () => Promise<void> }> {
  let batches = 0;
  const sink = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => {
      batches++;
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const { port } = sink.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spansBatches: () => batches,
    stop: () => new Promise((resolve) => sink.close(() => resolve())),
  };
}

/** A database of one bench command's own on DATABASE_URL's server, and the connection that made it. */
export interface ScratchDatabase {
  /** On the server's own database: CHECKPOINT, pg_stat views, other scratch databases. */
  admin: Client;
  /** The scratch database's URL. */
  url: URL;
  /** Drops the database (whoever is still connected is cut off) and closes `admin`. */
  drop(): Promise<void>;
}

/** Makes `name` on DATABASE_URL's server; `command` names the npm script in the error without it. */
export async function scratchDatabase(command: string, name: string): Promise<ScratchDatabase> {
  const base = process.env.DATABASE_URL;
  if (!base?.startsWith('postgres')) throw new Error(`npm run ${command} needs DATABASE_URL=postgres://… (a server, not PGlite)`);
  const admin = new Client({ connectionString: base });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    admin,
    url,
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** A user registered as `email`, with `count` USD wallets the bench operator funded. */
export async function fundedWallets(url: string, email: string, count: number): Promise<{ token: string; wallets: string[] }> {
  const adminToken = (await call(url, 'POST', '/api/v1/auth/login', BENCH_ADMIN)).accessToken as string;
  const token = (await call(url, 'POST', '/api/v1/auth/register', { email, password: 'bench-password' })).accessToken as string;
  const wallets: string[] = [];
  for (let i = 0; i < count; i++) {
    const wallet = await call(url, 'POST', '/api/v1/wallets', { currency: 'USD' }, token);
    await call(url, 'POST', `/api/v1/admin/wallets/${wallet.id}/adjustments`, { amount: '1000000000', reason: 'bench' }, adminToken);
    wallets.push(wallet.id as string);
  }
  return { token, wallets };
}

/** The headers of `token`'s JSON requests. */
export function bearer(token: string): Record<string, string> {
  return { 'content-type': 'application/json', authorization: `Bearer ${token}` };
}

/** A transfer of 1 from `from` to `to` with a fresh Idempotency-Key, as autocannon sends it. */
export function transferRequest(headers: Record<string, string>, from: string, to: string): autocannon.Request {
  return {
    method: 'POST',
    path: '/api/v1/wallet/transfer',
    headers: { ...headers, 'idempotency-key': randomUUID() },
    body: JSON.stringify({ fromWalletId: from, toWalletId: to, amount: '1' }),
  };
}

/** A transfer between two different wallets of `wallets`, picked at random. */
export function randomPairTransfer(headers: Record<string, string>, wallets: readonly string[]): autocannon.Request {
  const from = randomOf(wallets);
  let to = randomOf(wallets);
  while (to === from) to = randomOf(wallets);
  return transferRequest(headers, from, to);
}

export function randomOf<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}
