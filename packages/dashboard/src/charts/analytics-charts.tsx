import { formatAmount, type Schemas } from '@ocp/sdk';
import { BarChart } from './BarChart';
import { LineChart } from './LineChart';
import { formatAxisAmount, formatBucket, formatPercent, niceTicks, sumMinor, type Interval } from './scale';
import { StackedBarChart } from './StackedBarChart';

type SeriesPoint = Schemas['AnalyticsTimeseries']['points'][number];
type Refusals = Schemas['AnalyticsAgentRefusals'];

const per = (interval: Interval) => (interval === 'day' ? 'day' : 'hour');
const bucketColumn = (interval: Interval) => (interval === 'day' ? 'Day (UTC)' : 'Hour (UTC)');
const span = (labels: readonly string[]) => (labels.length > 0 ? `${labels[0]} to ${labels.at(-1)}` : 'no buckets');

/** "daily_budget" → "daily budget". */
export const ruleLabel = (rule: string) => rule.replaceAll('_', ' ');

/** Transfer volume per bucket in one currency (the API's transaction_volume series), exact amounts in the labels. */
export function VolumeChart({ points, currency, interval }: { points: readonly SeriesPoint[]; currency: string; interval: Interval }) {
  const minor = points.map((p) => (typeof p.value === 'string' ? p.value : '0'));
  const labels = points.map((p) => formatBucket(p.bucket, interval));
  const display = (amount: string) => formatAmount({ amount, currency });
  const highest = minor.reduce((best, amount, i) => (BigInt(amount) > BigInt(minor[best] ?? '0') ? i : best), 0);
  const total = sumMinor(minor);
  const summary =
    total === '0'
      ? `No ${currency} volume from ${span(labels)}.`
      : `${display(total)} moved from ${span(labels)}; the highest ${per(interval)} was ${labels[highest]} with ${display(minor[highest]!)}.`;
  return (
    <BarChart
      title={`Volume by ${per(interval)} (${currency})`}
      description={`The sum of all transfers in ${currency} per ${per(interval)}, UTC.`}
      summary={`Volume by ${per(interval)} in ${currency}: ${summary}`}
      yAxisLabel={currency}
      xAxisLabel={bucketColumn(interval)}
      yTicks={niceTicks(Math.max(...minor.map(Number), 0)).map((value) => ({ value, label: formatAxisAmount(value, currency) }))}
      valueColumn={`Volume (${currency})`}
      data={minor.map((amount, i) => ({ label: labels[i]!, value: Number(amount), display: display(amount) }))}
    />
  );
}

/** Card payments that succeeded out of those with an outcome, per bucket; a bucket with none is a gap. */
export function PaymentSuccessRateChart({ points, interval }: { points: readonly SeriesPoint[]; interval: Interval }) {
  const rates = points.map((p) => (typeof p.value === 'number' ? p.value : p.value === null ? null : Number(p.value)));
  const labels = points.map((p) => formatBucket(p.bucket, interval));
  const measured = rates.flatMap((rate, i) => (rate === null ? [] : [{ rate, label: labels[i]! }]));
  const lowest = measured.reduce<(typeof measured)[number] | undefined>((low, m) => (!low || m.rate < low.rate ? m : low), undefined);
  const highest = measured.reduce<(typeof measured)[number] | undefined>((high, m) => (!high || m.rate > high.rate ? m : high), undefined);
  const summary =
    lowest && highest
      ? `lowest ${formatPercent(lowest.rate)} on ${lowest.label}, highest ${formatPercent(highest.rate)} on ${highest.label}; ` +
        `${measured.length} of ${points.length} ${per(interval)}s had card payments with an outcome.`
      : 'no card payment had an outcome in this period.';
  return (
    <LineChart
      title={`Payment success rate by ${per(interval)}`}
      description="Card payments that succeeded, out of those that succeeded or failed (pending ones are left out). A gap is a period with no outcome."
      summary={`Payment success rate from ${span(labels)}: ${summary}`}
      yAxisLabel="Success rate"
      xAxisLabel={bucketColumn(interval)}
      yTicks={[0, 0.25, 0.5, 0.75, 1].map((value) => ({ value, label: `${value * 100} %` }))}
      valueColumn="Success rate"
      data={rates.map((rate, i) => ({ label: labels[i]!, value: rate, display: rate === null ? 'no outcome' : formatPercent(rate) }))}
    />
  );
}

/** Agent payments refused by their owner's policy or mandate, per bucket, stacked by the rule that refused. */
export function AgentRefusalsChart({ report }: { report: Refusals }) {
  const interval = report.interval;
  const labels = report.points.map((p) => formatBucket(p.bucket, interval));
  const total = report.points.reduce((n, p) => n + p.total, 0);
  const byRule = report.rules.map((rule) => {
    const count = report.points.reduce((n, p) => n + (p.byRule[rule] ?? 0), 0);
    return `${ruleLabel(rule)} ${count}`;
  });
  const busiest = report.points.reduce((best, p, i) => (p.total > (report.points[best]?.total ?? 0) ? i : best), 0);
  const summary =
    total === 0
      ? `none from ${span(labels)}.`
      : `${total} from ${span(labels)}: ${byRule.join(', ')}; the most on ${labels[busiest]} (${report.points[busiest]!.total}).`;
  return (
    <StackedBarChart
      title={`Agent refusals by ${per(interval)}`}
      description="Agent payments refused by a rule of the owner's policy or mandate, stacked by that rule."
      summary={`Agent refusals: ${summary}`}
      yAxisLabel="Refusals"
      xAxisLabel={bucketColumn(interval)}
      yTicks={niceTicks(Math.max(...report.points.map((p) => p.total), 0)).map((value) => ({ value, label: String(value) }))}
      series={report.rules}
      seriesLabel={ruleLabel}
      data={report.points.map((p, i) => ({ label: labels[i]!, values: p.byRule, total: p.total }))}
    />
  );
}
