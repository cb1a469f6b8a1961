import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { startServer } from './bench-server';

const TICK = 100; // USER_HZ
function cpuOf(pid: number): number {
  try { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return (Number(f[11]) + Number(f[12])) / TICK; } catch { return 0; }
}
function pgCpu(): number {
  let s = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try { if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'postgres') s += cpuOf(Number(d)); } catch { /* gone */ }
  }
  return s;
}
async function call(url: string, method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(url + path, { method, headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID(), ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}
async function main() {
  const base = process.env.DATABASE_URL!;
  const admin = new Client({ connectionString: base }); await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS ocp_quick WITH (FORCE)'); await admin.query('CREATE DATABASE ocp_quick');
  const appDb = new URL(base); appDb.pathname = '/ocp_quick';
  const server = await startServer({ DATABASE_URL: appDb.toString(), LOG_LEVEL: 'warn', NODE_ENV: 'production', JWT_SECRET: randomUUID() + randomUUID(),
    ENCRYPTION_KEYS: `bench:${Buffer.from(randomUUID().replace(/-/g, ''), 'utf8').toString('base64')}`, ADMIN_EMAIL: 'a@example.com', ADMIN_PASSWORD: 'bench-admin-password',
    RATE_LIMIT_GLOBAL_MAX: '100000000', RATE_LIMIT_USER_MAX: '100000000', RATE_LIMIT_PAYMENT_MAX: '100000000', API_DOCS_ENABLED: 'false' });
  try {
    const url = server.url;
    const adminToken = (await call(url, 'POST', '/api/v1/auth/login', { email: 'a@example.com', password: 'bench-admin-password' })).accessToken as string;
    const token = (await call(url, 'POST', '/api/v1/auth/register', { email: 'b@example.com', password: 'bench-password' })).accessToken as string;
    const wallets: string[] = [];
    for (let i = 0; i < 64; i++) { const w = await call(url, 'POST', '/api/v1/wallets', { currency: 'USD' }, token); await call(url, 'POST', `/api/v1/admin/wallets/${w.id}/adjustments`, { amount: '1000000000', reason: 'b' }, adminToken); wallets.push(w.id as string); }
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const pick = () => wallets[Math.floor(Math.random() * wallets.length)]!;
    const mode = process.env.Q_MODE ?? 'transfer';
    const next = (): autocannon.Request => {
      if (mode === 'read') return { method: 'GET', path: `/api/v1/wallets/${pick()}`, headers };
      const from = pick(); let to = pick(); while (to === from) to = pick();
      return { method: 'POST', path: '/api/v1/wallet/transfer', headers: { ...headers, 'idempotency-key': randomUUID() }, body: JSON.stringify({ fromWalletId: from, toWalletId: to, amount: '1' }) };
    };
    const secs = Number(process.env.Q_SECONDS ?? 15);
    // warm-up
    await autocannon({ url, connections: 16, duration: 3, requests: [{ setupRequest: (r) => ({ ...r, ...next() }) }] });
    const s0 = cpuOf(server.process.pid!), p0 = pgCpu(), me0 = process.cpuUsage();
    const r = await autocannon({ url, connections: Number(process.env.Q_C ?? 32), duration: secs, requests: [{ setupRequest: (req) => ({ ...req, ...next() }) }] });
    const s1 = cpuOf(server.process.pid!), p1 = pgCpu(), me1 = process.cpuUsage(me0);
    const ok = r['2xx'];
    console.log(`${mode}: ${(ok / secs).toFixed(0)}/s p50 ${r.latency.p50} p99 ${r.latency.p99} non2xx ${r.non2xx} | CPU ms/req: server ${((s1 - s0) * 1000 / ok).toFixed(3)} postgres ${((p1 - p0) * 1000 / ok).toFixed(3)} loadgen ${(((me1.user + me1.system) / 1000) / ok).toFixed(3)}`);
  } finally { await server.stop(); await admin.query('DROP DATABASE IF EXISTS ocp_quick WITH (FORCE)'); await admin.end(); }
}
main().catch((e) => { console.error(e); process.exit(1); });
