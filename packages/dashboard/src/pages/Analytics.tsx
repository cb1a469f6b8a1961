import type { Schemas } from '@ocp/sdk';
import { useState, type ReactNode } from 'react';
import { AgentRefusalsChart, formatPercent, PaymentSuccessRateChart, VolumeChart, type Interval } from '../charts';
import { useOcp } from '../ocp';
import { ErrorNotice, Loading, useLoad } from '../ui';

type Summary = Schemas['AnalyticsSummary'];

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const PERIODS = [
  { id: '24h', label: 'Last 24 hours', interval: 'hour', buckets: 24 },
  { id: '7d', label: 'Last 7 days', interval: 'day', buckets: 7 },
  { id: '30d', label: 'Last 30 days', interval: 'day', buckets: 30 },
  { id: '90d', label: 'Last 90 days', interval: 'day', buckets: 90 },
] as const satisfies readonly { id: string; label: string; interval: Interval; buckets: number }[];
type Period = (typeof PERIODS)[number];
const DEFAULT_PERIOD: Period = PERIODS[2];

/** Whole UTC buckets up to and including the current one, so today (or this hour) is the last bar. */
function rangeOf(period: Period, now = Date.now()): { from: string; to: string; interval: Interval; asOf: number } {
  const unit = period.interval === 'day' ? DAY_MS : HOUR_MS;
  const to = (Math.floor(now / unit) + 1) * unit;
  const from = new Date(to - period.buckets * unit).toISOString();
  return { from, to: new Date(to).toISOString(), interval: period.interval, asOf: now };
}

/** The figures as pictures: volume by day, the payment success rate and agent refusals, over a period. */
export function Analytics() {
  const ocp = useOcp();
  const [period, setPeriod] = useState<Period>(DEFAULT_PERIOD);
  // Computed once per choice (or refresh): a re-render must not move the window and reload everything.
  const [range, setRange] = useState(() => rangeOf(DEFAULT_PERIOD));
  const choose = (next: Period) => {
    setPeriod(next);
    setRange(rangeOf(next));
  };
  const { from, to, interval } = range;
  // asOf too: a refresh within the same window loads the figures again.
  const key = `${from}/${to}/${range.asOf}`;
  const summary = useLoad(() => ocp.get('/api/v1/admin/analytics/summary', { params: { query: { from, to } } }), key);

  return (
    <section aria-labelledby="analytics-title">
      <h1 id="analytics-title">Analytics</h1>
      <fieldset className="period-picker">
        <legend>Period</legend>
        {PERIODS.map((p) => (
          <label key={p.id} className={p.id === period.id ? 'period-chosen' : undefined}>
            <input type="radio" name="analytics-period" value={p.id} checked={p.id === period.id} onChange={() => choose(p)} />
            {p.label}
          </label>
        ))}
      </fieldset>
      <div className="actions">
        <p className="hint">
          {new Date(from).toUTCString().slice(5, 22)} to {new Date(to).toUTCString().slice(5, 22)} UTC, by {interval}.
        </p>
        <button type="button" className="button-secondary" onClick={() => choose(period)}>
          Refresh
        </button>
      </div>
      <ErrorNotice error={summary.error} />
      {summary.data ? <KeyFigures summary={summary.data} /> : summary.loading && <Loading what="the figures" />}
      <div className="chart-grid">
        {summary.data && <VolumePanel key={key} range={range} currencies={currenciesOf(summary.data)} />}
        <RatePanel key={`rate ${key}`} range={range} />
        <RefusalsPanel key={`refusals ${key}`} range={range} />
      </div>
    </section>
  );
}

type Range = ReturnType<typeof rangeOf>;

function VolumePanel({ range, currencies }: { range: Range; currencies: string[] }) {
  const ocp = useOcp();
  const [chosen, setChosen] = useState<string>();
  const currency = chosen && currencies.includes(chosen) ? chosen : (currencies[0] ?? 'USD');
  const { from, to, interval } = range;
  const series = useLoad(
    () =>
      ocp.get('/api/v1/admin/analytics/timeseries', { params: { query: { metric: 'transaction_volume', currency, interval, from, to } } }),
    currency,
  );
  return (
    <ChartCard
      error={series.error}
      loading={series.loading}
      tools={
        currencies.length > 1 && (
          <div className="field">
            <label htmlFor="volume-currency">Currency</label>
            <select id="volume-currency" value={currency} onChange={(e) => setChosen(e.target.value)}>
              {currencies.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </div>
        )
      }
    >
      {series.data && <VolumeChart points={series.data.points} currency={currency} interval={interval} />}
    </ChartCard>
  );
}

function RatePanel({ range }: { range: Range }) {
  const ocp = useOcp();
  const { from, to, interval } = range;
  const series = useLoad(
    () => ocp.get('/api/v1/admin/analytics/timeseries', { params: { query: { metric: 'payment_success_rate', interval, from, to } } }),
    'rate',
  );
  return (
    <ChartCard error={series.error} loading={series.loading}>
      {series.data && <PaymentSuccessRateChart points={series.data.points} interval={interval} />}
    </ChartCard>
  );
}

function RefusalsPanel({ range }: { range: Range }) {
  const ocp = useOcp();
  const { from, to, interval } = range;
  const report = useLoad(
    () => ocp.get('/api/v1/admin/analytics/agent-refusals', { params: { query: { interval, from, to } } }),
    'refusals',
  );
  return (
    <ChartCard error={report.error} loading={report.loading}>
      {report.data && <AgentRefusalsChart report={report.data} />}
    </ChartCard>
  );
}

function ChartCard({ error, loading, tools, children }: { error: unknown; loading: boolean; tools?: ReactNode; children: ReactNode }) {
  return (
    <div className="chart-card">
      {tools && <div className="chart-tools">{tools}</div>}
      <ErrorNotice error={error} />
      {children ?? (loading && <Loading what="the chart" />)}
    </div>
  );
}

/** A few totals over the period, above the pictures. */
function KeyFigures({ summary }: { summary: Summary }) {
  const transfers = summary.transactions.reduce((n, t) => n + t.count, 0);
  const figures: [string, string][] = [
    ['Transfers', transfers.toLocaleString('en-GB')],
    ['Payment success rate', summary.payments.successRate === null ? '—' : formatPercent(summary.payments.successRate)],
    ['Agent refusals', summary.agents ? summary.agents.policyRefusals.count.toLocaleString('en-GB') : '—'],
    ['Wallets created', summary.wallets.created.toLocaleString('en-GB')],
    ['Refund requests pending', String(summary.refunds.requestsByStatus.pending ?? 0)],
  ];
  return (
    <dl className="key-figures">
      {figures.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The currencies money moved in over the period, the busiest first: the volume chart shows one at a time. */
function currenciesOf(summary: Summary): string[] {
  const counts = new Map<string, number>();
  for (const t of summary.transactions) counts.set(t.currency, (counts.get(t.currency) ?? 0) + t.count);
  return [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)! || (a < b ? -1 : 1));
}
