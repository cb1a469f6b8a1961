/**
 * npm run bench:profile: where the API's CPU goes, per request kind. Starts the API with V8's CPU
 * profiler (`--cpu-prof`) on a database of its own, loads it with transfers and then balance reads
 * at 64 connections, and prints for each the share of the server's busy CPU by owner: the nearest
 * frame of OCP's own code (src/…) or of a package (pkg:…), garbage collection, or Node's own work
 * (HTTP parsing and socket writes below no JavaScript of ours). Express's and its router's frames
 * are dispatch, so a sample is given to the middleware or handler they called. docs/performance.md
 * quotes its output. Needs DATABASE_URL (a PostgreSQL server); REDIS_URL is used when set, as in
 * production.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { bearer, benchServerEnv, fundedWallets, randomOf, randomPairTransfer, scratchDatabase, startServer } from './bench-server';
import { processCpuSeconds } from './cpu';

const SECONDS = Number(process.env.BENCH_PROFILE_SECONDS ?? 15);
const WARMUP_SECONDS = 5;
const TOP = 20;
const DATABASE = `ocp_profile_${process.pid}`;

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string }; children?: number[] }>;
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

interface Window {
  name: string;
  /** process.hrtime in microseconds: the profiler's clock (both are the monotonic clock). */
  fromUs: number;
  toUs: number;
  perSecond: number;
  cpuMsPerRequest: number;
}

const DISPATCH = new Set(['pkg:express', 'pkg:router']);
/** Native frames that are the system calls writing to sockets (the HTTP response, Redis, PostgreSQL). */
const SOCKET_WRITES = new Set(['writev', 'writeUtf8String', 'writeBuffer', 'writeLatin1String', 'writeAsciiString']);

function ownerOf(url: string): string | null {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `pkg:${pkg[1]}`;
  const own = /\/(src\/.+)$/.exec(url);
  return own ? own[1]! : null;
}

/** Busy CPU in the window (microseconds), and its shares by owner. */
function owners(profile: CpuProfile, window: Window): { busy: number; shares: Array<[string, number]> } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const totals = new Map<string, number>();
  let busy = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    const leaf = byId.get(id)!.callFrame.functionName;
    if (at < window.fromUs || at > window.toUs || leaf === '(idle)') return;
    const weight = profile.timeDeltas[i] ?? 0;
    busy += weight;
    let owner: string | null = SOCKET_WRITES.has(leaf) ? 'socket writes (system calls)' : null;
    for (let node: number | undefined = id; node !== undefined && !owner; node = parent.get(node)) {
      const candidate = ownerOf(byId.get(node)!.callFrame.url);
      if (candidate && !DISPATCH.has(candidate)) owner = candidate;
    }
    const key = owner ?? (leaf === '(garbage collector)' ? 'garbage collection' : 'Node (HTTP, sockets, timers)');
    totals.set(key, (totals.get(key) ?? 0) + weight);
  });
  const shares = [...totals].map(([key, weight]): [string, number] => [key, weight / Math.max(busy, 1)]);
  return { busy, shares: shares.sort((a, b) => b[1] - a[1]) };
}

async function main(): Promise<void> {
  const database = await scratchDatabase('bench:profile', DATABASE);
  const profiles = mkdtempSync(join(tmpdir(), 'ocp-profile-'));
  process.env.BENCH_CPU_PROF = profiles;
  const server = await startServer(benchServerEnv(database.url.toString(), randomUUID()));
  const windows: Window[] = [];
  try {
    const { url } = server;
    const { token, wallets } = await fundedWallets(url, 'profile@example.com', 64);
    const headers = bearer(token);
    const cases: Array<[string, () => autocannon.Request]> = [
      ['POST /wallet/transfer', () => randomPairTransfer(headers, wallets)],
      ['GET /wallets/:id', () => ({ method: 'GET', path: `/api/v1/wallets/${randomOf(wallets)}`, headers })],
    ];
    for (const [name, next] of cases) {
      const run = (seconds: number) =>
        autocannon({ url, connections: 64, duration: seconds, requests: [{ setupRequest: (req) => ({ ...req, ...next() }) }] });
      await run(WARMUP_SECONDS);
      const cpuBefore = processCpuSeconds(server.process.pid!);
      const fromUs = Number(process.hrtime.bigint() / 1000n);
      const result = await run(SECONDS);
      const toUs = Number(process.hrtime.bigint() / 1000n);
      const ok = result['2xx'];
      const cpuMsPerRequest = ((processCpuSeconds(server.process.pid!) - cpuBefore) * 1000) / Math.max(ok, 1);
      windows.push({ name, fromUs, toUs, perSecond: Math.round(ok / SECONDS), cpuMsPerRequest });
    }
  } finally {
    await server.stop();
    await database.drop();
  }
  const read = readdirSync(profiles).map((file) => JSON.parse(readFileSync(join(profiles, file), 'utf8')) as CpuProfile);
  rmSync(profiles, { recursive: true, force: true });
  for (const window of windows) {
    // The main thread's profile is the one busy during the load (worker threads write their own).
    const main = read.map((profile) => owners(profile, window)).sort((a, b) => b.busy - a.busy)[0]!;
    const lines = [
      `${window.name} at 64 connections, ${SECONDS} s after ${WARMUP_SECONDS} s of warm-up: ${window.perSecond}/s, server CPU ${window.cpuMsPerRequest.toFixed(3)} ms per request`,
      '',
      '| share of busy CPU | owner |',
      '|---|---|',
      ...main.shares.slice(0, TOP).map(([owner, share]) => `| ${(share * 100).toFixed(1)}% | ${owner} |`),
      '',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
