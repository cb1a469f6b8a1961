import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { a2aTransfer, registerAgent } from '../../support/agents';
import { createWallet, fund, transfer } from '../../support/ledger';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

const DOCKER = join(__dirname, '../../../docker');

interface Panel {
  id: number;
  title: string;
  datasource: { uid: string };
  gridPos: { x: number; w: number };
  targets: { expr: string }[];
}
interface AlertRule {
  alert: string;
  expr: string;
}

const dashboard = JSON.parse(readFileSync(join(DOCKER, 'grafana/ocp-dashboard.json'), 'utf8')) as { uid: string; panels: Panel[] };
const alertRules = (
  parse(readFileSync(join(DOCKER, 'prometheus/alerts.yml'), 'utf8')) as { groups: { rules: AlertRule[] }[] }
).groups.flatMap((g) => g.rules);
const queries = [
  ...dashboard.panels.flatMap((p) => p.targets.map((target) => ({ where: `panel "${p.title}"`, expr: target.expr }))),
  ...alertRules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr })),
];

/** Series that Prometheus makes itself for every scrape target; no application exports them. */
const PROMETHEUS_SERIES = new Set(['up']);

/** A metric selector is a name followed by its label matchers or a range: name{…} or name[…]. */
const metricNames = (expr: string) => [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*[{[]/g)].map((m) => m[1]!);
const routeMatchers = (expr: string) => [...expr.matchAll(/route(=~|=)"([^"]+)"/g)].map((m) => ({ op: m[1]!, value: m[2]! }));

/** Names of every series /metrics can export: declared metrics, with a histogram's and summary's own series. */
function exportedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name! + suffix);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(name! + suffix);
  }
  return names;
}

describe('Grafana dashboard and Prometheus alerts against GET /metrics', () => {
  let t: TestApp;
  let metricsText: string;
  beforeAll(async () => {
    t = await startTestApp({ METRICS_PROCESS_ENABLED: 'true' });
    // A little of everything: requests, a transfer, a refusal, a failed card funding, the probes.
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const from = await createWallet(t, alice);
    const to = await createWallet(t, bob);
    await fund(t, from.id, 1_000);
    expect((await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: '400' })).status).toBe(201);
    expect((await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: '999999' })).status).toBe(422);
    await t.http().post(`/api/v1/wallets/${from.id}/fund`).set(alice.auth).set('Idempotency-Key', 'obs-1').send({});
    // An agent payment its policy refuses.
    const payer = await registerAgent(t, { funds: 1_000, policy: { maxPerTransaction: '100' } });
    const payee = await registerAgent(t);
    expect((await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '500', currency: 'USD' })).status).toBe(403);
    await t.http().get('/health');
    await t.http().get('/ready');
    metricsText = (await t.http().get('/metrics')).text;
  });
  afterAll(() => t.close());

  it('when every query of the dashboard and the alerts is read, then each selects at least one metric', () => {
    expect(queries.length).toBeGreaterThanOrEqual(15);
    expect(queries.filter((q) => metricNames(q.expr).length === 0)).toEqual([]);
  });

  it('when the metrics they query are looked up in GET /metrics, then every one is exported', () => {
    const exported = exportedNames(metricsText);
    const missing = queries.flatMap((q) =>
      metricNames(q.expr)
        .filter((name) => !exported.has(name) && !PROMETHEUS_SERIES.has(name))
        .map((name) => `${q.where}: ${name}`),
    );
    expect(missing).toEqual([]);
  });

  it('when a query filters on a route, then that route template is one the app really reports', () => {
    const routes = new Set([...metricsText.matchAll(/^http_requests_total\{[^}]*route="([^"]+)"/gm)].map((m) => m[1]!));
    expect(routes).toContain('/api/v1/wallet/transfer');
    const unknown = queries.flatMap((q) =>
      routeMatchers(q.expr)
        .filter(({ op, value }) => (op === '=' ? !routes.has(value) : ![...routes].some((r) => new RegExp(`^(?:${value})$`).test(r))))
        .map(({ value }) => `${q.where}: ${value}`),
    );
    expect(unknown).toEqual([]);
  });

  it('when the dashboard is read, then it covers traffic, errors, latency percentiles, money, payments, webhooks, agents and web3', () => {
    const used = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((target) => metricNames(target.expr))));
    for (const name of [
      'http_requests_total',
      'http_request_duration_seconds_bucket',
      'ocp_transfer_volume_minor_total',
      'ocp_transfers_total',
      'ocp_transfer_failures_total',
      'webhook_delivery_attempts_total',
      'ocp_agent_payment_decisions_total',
      'ocp_web3_pending_transactions',
    ]) {
      expect(used).toContain(name);
    }
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((target) => target.expr)).join('\n');
    for (const quantile of ['0.5', '0.95', '0.99']) expect(exprs).toContain(`histogram_quantile(${quantile}, sum by (le, route)`);
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    expect(dashboard.panels.every((p) => p.datasource.uid === '${datasource}' && p.gridPos.x + p.gridPos.w <= 24)).toBe(true);
  });

  it('when the agent and web3 panels are read, then they query the labels the app really exports', () => {
    const exprsOf = (metric: string) => queries.filter((q) => metricNames(q.expr).includes(metric)).map((q) => q.expr);
    // Refusals by reason: the app labels a refusal decision="refused" with the rule (or error code) as reason.
    expect(exprsOf('ocp_agent_payment_decisions_total')).toContain(
      'sum by (reason) (rate(ocp_agent_payment_decisions_total{decision="refused"}[$__rate_interval]))',
    );
    expect(metricsText).toMatch(/^ocp_agent_payment_decisions_total\{decision="refused",reason="max_per_transaction"\} 1$/m);
    // The web3 gauges are read from the shared database, so every replica reports the same value:
    // summing them over instances would multiply it by the number of replicas.
    const web3 = [...exprsOf('ocp_web3_pending_transactions'), ...exprsOf('ocp_web3_oldest_pending_transaction_age_seconds')];
    expect(web3.length).toBeGreaterThanOrEqual(3);
    for (const expr of web3) expect(expr).toMatch(/^max by \(chain_id\) \(/);
    expect(metricsText).toContain('# TYPE ocp_web3_pending_transactions gauge');
  });

  it('when the alert rules are read, then error rate, latency and readiness each have one, with a severity', () => {
    const names = alertRules.map((r) => r.alert);
    expect(names).toEqual(expect.arrayContaining(['OcpHighErrorRate', 'OcpHighLatency', 'OcpNotReady', 'OcpDown']));
    const rules = alertRules as unknown as { labels?: { severity?: string } }[];
    expect(rules.every((r) => ['critical', 'warning'].includes(r.labels?.severity ?? ''))).toBe(true);
  });

  it('when the backup alerts are read, then one fires when the last passed recovery drill is older than 8 days or never was', () => {
    const rule = alertRules.find((r) => r.alert === 'OcpRecoveryDrillStale');
    const expr = (rule?.expr ?? '').replace(/\s+/g, ' ').trim();
    expect(expr).toBe(
      '(time() - max(ocp_recovery_drill_last_success_timestamp_seconds{job="ocp-api"}) > 8 * 86400) ' +
        'or absent(ocp_recovery_drill_last_success_timestamp_seconds{job="ocp-api"})',
    );
    // Never passed: the API exports 0, which is older than any threshold.
    expect(metricsText).toMatch(/^ocp_recovery_drill_last_success_timestamp_seconds 0$/m);
  });

  it('when the compose Prometheus is read, then it scrapes the API and loads the alert file Grafana and compose mount', () => {
    const prometheus = parse(readFileSync(join(DOCKER, 'prometheus/prometheus.yml'), 'utf8')) as {
      rule_files: string[];
      scrape_configs: { job_name: string; metrics_path: string; static_configs: { targets: string[] }[] }[];
    };
    expect(prometheus.scrape_configs[0]).toMatchObject({
      job_name: 'ocp-api',
      metrics_path: '/metrics',
      static_configs: [{ targets: ['api:3000'] }],
    });
    const compose = readFileSync(join(DOCKER, '../docker-compose.yml'), 'utf8');
    for (const file of prometheus.rule_files) expect(compose).toContain(`./docker/prometheus/alerts.yml:${file}:ro`);
    expect(compose).toContain('./docker/grafana/ocp-dashboard.json:/var/lib/grafana/dashboards/ocp-dashboard.json:ro');
    // Alerts say job="ocp-api": it must be the job that scrapes the API.
    expect(queries.filter((q) => /job="/.test(q.expr) && !q.expr.includes('job="ocp-api"'))).toEqual([]);
  });

  it('when the compose tracing profile is read, then the API exports to the collector, which forwards to Jaeger', () => {
    const compose = parse(readFileSync(join(DOCKER, '../docker-compose.yml'), 'utf8')) as {
      services: Record<string, { profiles?: string[]; environment?: Record<string, string>; volumes?: string[]; ports?: string[] }>;
    };
    const { api, 'otel-collector': collector, jaeger } = compose.services;
    // Off unless asked for: an empty endpoint installs nothing.
    expect(api!.environment!.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('${OTEL_EXPORTER_OTLP_ENDPOINT:-}');
    expect(api!.profiles).toBeUndefined();
    expect(collector!.profiles).toEqual(['tracing']);
    expect(jaeger!.profiles).toEqual(['tracing']);
    expect(jaeger!.ports).toContain('16686:16686');
    expect(collector!.volumes).toContain('./docker/otel-collector/config.yaml:/etc/otelcol/config.yaml:ro');
    const config = parse(readFileSync(join(DOCKER, 'otel-collector/config.yaml'), 'utf8')) as {
      receivers: { otlp: { protocols: { http: { endpoint: string } } } };
      exporters: Record<string, { endpoint: string }>;
      service: { pipelines: { traces: { receivers: string[]; exporters: string[] } } };
    };
    // The endpoint the docs give (http://otel-collector:4318) is the collector's OTLP/HTTP port.
    expect(config.receivers.otlp.protocols.http.endpoint).toBe('0.0.0.0:4318');
    expect(config.service.pipelines.traces.receivers).toEqual(['otlp']);
    const [exporter] = config.service.pipelines.traces.exporters;
    expect(config.exporters[exporter!]!.endpoint).toBe('jaeger:4317');
    expect(readFileSync(join(DOCKER, '../docker-compose.yml'), 'utf8')).toContain(
      'OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector:4318 docker compose --profile tracing up',
    );
  });
});
