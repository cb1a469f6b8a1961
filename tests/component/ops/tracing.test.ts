import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeBasisTheory } from '../../support/fake-basis-theory';
import { cardData, TEST_CARDS } from '../../support/payments';
import { seedDataDir } from '../../support/pglite-snapshot';
import { createScratchDatabase, type ScratchDatabase } from '../../support/scratch-database';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver';

jest.setTimeout(90_000);

/** One span as OTLP/HTTP JSON has it, its attributes flattened. */
interface ExportedSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  links: Array<{ traceId: string; spanId: string }>;
  attributes: Record<string, unknown>;
}

type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
interface OtlpBody {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: OtlpValue }> };
    scopeSpans: Array<{
      spans: Array<
        Omit<ExportedSpan, 'attributes' | 'links'> & {
          attributes?: Array<{ key: string; value: OtlpValue }>;
          links?: ExportedSpan['links'];
        }
      >;
    }>;
  }>;
}

const value = (v: OtlpValue) => v.stringValue ?? v.intValue ?? v.boolValue ?? v.doubleValue;

/** A real OTLP/HTTP JSON receiver: keeps every span and every raw body it is sent. */
async function startOtlpReceiver() {
  const spans: ExportedSpan[] = [];
  const bodies: string[] = [];
  const services = new Set<unknown>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      bodies.push(raw);
      if (req.url === '/v1/traces') {
        for (const rs of (JSON.parse(raw) as OtlpBody).resourceSpans) {
          for (const a of rs.resource.attributes) if (a.key === 'service.name') services.add(value(a.value));
          for (const ss of rs.scopeSpans)
            for (const s of ss.spans)
              spans.push({
                ...s,
                links: s.links ?? [],
                attributes: Object.fromEntries((s.attributes ?? []).map((a) => [a.key, value(a.value)])),
              });
        }
      }
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    bodies,
    services,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function expectSqlSpans(inTrace: () => ExportedSpan[], groupSpanId: string): Promise<void> {
  const sqlOf = (trace: ExportedSpan[]) =>
    trace.filter((s) => s.attributes['db.system'] === 'postgresql' || s.attributes['db.system.name'] === 'postgresql');
  // A parent ends after its children, so it can come in a later export batch than they do.
  const trace = await until("every SQL span's parent", () => {
    const spans = inTrace();
    const ids = new Set(spans.map((s) => s.spanId));
    return sqlOf(spans).every((s) => ids.has(s.parentSpanId!)) ? spans : undefined;
  });
  const sql = sqlOf(trace);
  expect(sql.length).toBeGreaterThan(0);
  expect(sql.some((s) => s.parentSpanId === groupSpanId)).toBe(true);
  // The statement with its placeholders, never the values bound to them.
  expect(sql.some((s) => String(s.attributes['db.statement'] ?? s.attributes['db.query.text']).includes('$1'))).toBe(true);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  for (const start = Date.now(); Date.now() - start < timeoutMs; await sleep(100)) {
    const found = probe();
    if (found !== undefined) return found;
  }
  throw new Error(`timed out waiting for ${what}`);
}

const ADMIN = { email: `otel-admin-${randomUUID()}@example.com`, password: 'otel-admin-Passw0rd-long' };
const PASSWORD = 'otel-user-Secret-passw0rd';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('OpenTelemetry tracing (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  const provider = fakeBasisTheory('key_bt');
  let otlp: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let receiver: WebhookReceiver;
  let database: ScratchDatabase | undefined;
  let dataDir: string | undefined;
  let server: ChildProcess;
  let url: string;
  const logLines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    [otlp, receiver] = await Promise.all([startOtlpReceiver(), startWebhookReceiver(), provider.start()]);
    let store: Record<string, string>;
    if (process.env.DATABASE_URL) {
      database = await createScratchDatabase('otel');
      store = { ...database.env, ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}) };
    } else {
      dataDir = mkdtempSync(join(tmpdir(), 'ocp-otel-'));
      await seedDataDir(dataDir);
      store = { DATA_DIR: dataDir };
    }
    server = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', '..', '..', 'src', 'server.ts')], {
      env: {
        PATH: process.env.PATH ?? '',
        ...store,
        HOST: '127.0.0.1',
        PORT: '0',
        NODE_ENV: 'development',
        LOG_LEVEL: 'info',
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        TOKEN_PROVIDER: 'basis_theory',
        BASIS_THEORY_API_URL: provider.url,
        BASIS_THEORY_API_KEY: 'key_bt',
        WEBHOOK_WORKER_INTERVAL_MS: '100',
        // Redis is shared with other tests: their requests from 127.0.0.1 must not limit these.
        RATE_LIMIT_GLOBAL_MAX: '100000000',
        RATE_LIMIT_USER_MAX: '100000000',
        RATE_LIMIT_PAYMENT_MAX: '100000000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffered = '';
    server.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        try {
          logLines.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // not a log line
        }
      }
    });
    let stderr = '';
    server.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const listening = await until(
      'the server to listen',
      () => {
        if (server.exitCode !== null) throw new Error(`server exited: ${stderr}`);
        return logLines.find((l) => l.message === 'listening');
      },
      60_000,
    );
    url = String(listening.url);
  });

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    await Promise.all([otlp?.close(), receiver?.close(), provider.stop()]);
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function call(method: string, path: string, body?: unknown, token?: string, headers: Record<string, string> = {}) {
    const res = await fetch(url + path, {
      method,
      headers: {
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  it('when a transfer is made, a card tokenized and a webhook delivered, then the exported spans tell it and hold no secret', async () => {
    const adminToken = (await call('POST', '/api/v1/auth/login', ADMIN)).accessToken as string;
    const email = `otel-${randomUUID()}@example.com`;
    const token = (await call('POST', '/api/v1/auth/register', { email, password: PASSWORD })).accessToken as string;
    await call('POST', '/api/v1/webhooks', { url: receiver.url, events: ['transfer.completed'] }, token);
    const from = (await call('POST', '/api/v1/wallets', { currency: 'USD' }, token)).id as string;
    const to = (await call('POST', '/api/v1/wallets', { currency: 'USD' }, token)).id as string;
    await call('POST', `/api/v1/admin/wallets/${from}/adjustments`, { amount: '10000', reason: 'otel test' }, adminToken);
    await call('POST', '/api/v1/tokens', { type: 'card', data: cardData(TEST_CARDS.approved) }, token, {
      traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01`,
    });
    await call('POST', `/api/v1/wallet/transfer?token=${token}`, { fromWalletId: from, toWalletId: to, amount: '250' }, token);

    // The request's server span, named by its route template.
    const transfer = await until('the transfer span', () =>
      otlp.spans.find((s) => s.kind === 2 && s.name === 'POST /api/v1/wallet/transfer'),
    );
    expect(transfer.attributes['http.route']).toBe('/api/v1/wallet/transfer');
    // Only the server span of a request: no span per Express middleware.
    expect(otlp.spans.filter((s) => s.name.startsWith('middleware'))).toEqual([]);
    expect(otlp.services).toEqual(new Set(['ocp-api']));

    // Its SQL statements are its children (pg spans in its trace, under its span or the group's).
    const inTrace = () => otlp.spans.filter((s) => s.traceId === transfer.traceId);
    const group = await until('the posting group span', () =>
      inTrace().find(
        (s) => s.name === 'posting group' && s.links.some((l) => l.spanId === transfer.spanId || l.traceId === transfer.traceId),
      ),
    );
    expect(group.links.map((l) => l.traceId)).toContain(transfer.traceId);
    // pg spans: on PostgreSQL (the embedded PGlite is no `pg` client, and has no instrumentation).
    if (process.env.DATABASE_URL) await expectSqlSpans(inTrace, group.spanId);
    if (process.env.REDIS_URL && process.env.DATABASE_URL) {
      expect(otlp.spans.some((s) => s.attributes['db.system'] === 'redis' || s.attributes['db.system.name'] === 'redis')).toBe(true);
    }

    // The incoming traceparent is continued, and the provider call carries it on.
    const tokenize = await until('the tokenize span', () => otlp.spans.find((s) => s.kind === 2 && s.name === 'POST /api/v1/tokens'));
    expect(tokenize.traceId).toBe(TRACE_ID);
    const sent = provider.requests.at(-1)!.headers.traceparent;
    expect(String(sent)).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
    expect(otlp.spans.some((s) => s.traceId === TRACE_ID && s.name === 'Basis Theory POST')).toBe(true);

    // The webhook of the transfer continues the transfer's trace.
    const hook = await until('the webhook', () =>
      receiver.received.find(
        (r) => r.body.type === 'transfer.completed' && r.body.data.fromWalletId === from && r.body.data.amount === '250',
      ),
    );
    expect(String(hook.headers.traceparent)).toMatch(new RegExp(`^00-${transfer.traceId}-[0-9a-f]{16}-01$`));
    await until('the delivery span', () => otlp.spans.find((s) => s.name === 'webhook deliver' && s.traceId === transfer.traceId));

    // Background runs: only those that did work are exported (the worker runs every 100 ms).
    const runs = otlp.spans.filter((s) => s.attributes['ocp.run'] !== undefined);
    expect(runs.some((s) => s.name === 'webhook worker')).toBe(true);
    expect(runs.filter((s) => !(Number(s.attributes['ocp.run.items']) > 0))).toEqual([]);

    // Log lines of a traced request carry its trace and span ids.
    const line = logLines.find((l) => l.trace_id === transfer.traceId);
    expect(line).toBeDefined();
    expect(line!.span_id).toMatch(/^[0-9a-f]{16}$/);

    // No secret in any exported span: the card number, the password, the bearer token.
    const exported = otlp.bodies.join('\n');
    expect(exported).not.toContain(TEST_CARDS.approved);
    expect(exported).not.toContain(PASSWORD);
    expect(exported).not.toContain(token);
    expect(exported).not.toContain(adminToken);
    expect(exported).not.toContain('key_bt');
  });
});
