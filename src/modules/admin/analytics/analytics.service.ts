import { ValidationFailed } from '../../../shared/errors';
import type {
  AnalyticsRepository,
  Interval,
  Period,
  Point,
  RuleCounts,
  Summary,
  TimeseriesMetric,
  Web3SendGroup,
} from './analytics.repository';

const DAY_MS = 86_400_000;
const INTERVAL_MS: Record<Interval, number> = { day: DAY_MS, hour: 3_600_000 };
/** The most buckets one timeseries returns (about 41 days by hour, 2.7 years by day). */
export const BUCKETS_MAX = 1000;
/** Without `from`, figures cover the 30 days before `to`. */
const DEFAULT_PERIOD_MS = 30 * DAY_MS;

export interface SummaryReport extends Summary {
  period: Period;
  /** Succeeded (or credited) card charges over those with an outcome; null when none had one. */
  paymentSuccessRate: number | null;
  refunds: { count: number; volume: { currency: string; amount: bigint }[] };
  web3: Web3Report;
}

export interface RefusalsReport {
  period: Period;
  /** Every rule that refused in the period, the most frequent first (the order a chart stacks them). */
  rules: string[];
  points: (RuleCounts & { total: number })[];
}

export interface Web3Report {
  /** Sends by chain and status (pending, confirmed, failed). */
  sends: { chainId: number; status: string; count: number }[];
  /**
   * Value per chain and asset, in base units (wei). Confirmed moved on chain; pending is broadcast
   * and waiting; a failed (reverted) send moved no value, so it is in neither.
   */
  value: { chainId: number; asset: string; assetSymbol: string; confirmed: bigint; pending: bigint }[];
}

/** Dashboard figures, computed by the database over indexed columns. */
export class AnalyticsService {
  constructor(private readonly repo: AnalyticsRepository) {}

  /** Errors: validation_failed (400) when from is not before to. */
  async summary(range: { from?: Date; to?: Date }): Promise<SummaryReport> {
    const period = this.period(range);
    const summary = await this.repo.summary(period);
    const succeeded = (summary.charges.succeeded ?? 0) + (summary.charges.credited ?? 0);
    const decided = succeeded + (summary.charges.failed ?? 0);
    const refunds = summary.transactions.filter((t) => t.type === 'refund');
    return {
      ...summary,
      period,
      paymentSuccessRate: decided === 0 ? null : Math.round((succeeded / decided) * 10_000) / 10_000,
      refunds: {
        count: refunds.reduce((n, r) => n + r.count, 0),
        volume: refunds.map((r) => ({ currency: r.currency, amount: r.volume })),
      },
      web3: web3Report(summary.web3Sends),
    };
  }

  /**
   * One metric per bucket, with zero (or null for a ratio) where nothing happened.
   * Errors: validation_failed (400): from not before to, more than BUCKETS_MAX buckets, a volume without currency.
   */
  async timeseries(metric: TimeseriesMetric, interval: Interval, range: { from?: Date; to?: Date }, currency?: string): Promise<Point[]> {
    const period = this.bucketedPeriod(interval, range);
    if (metric.endsWith('_volume') && !currency) {
      throw new ValidationFailed('A volume is per currency: give currency', undefined, 'currency_required');
    }
    return this.repo.timeseries(metric, interval, period, currency);
  }

  /**
   * Agent policy refusals per bucket, broken down by the rule that refused: what a stacked chart needs.
   * Errors: validation_failed (400): from not before to, more than BUCKETS_MAX buckets.
   */
  async agentRefusals(interval: Interval, range: { from?: Date; to?: Date }): Promise<RefusalsReport> {
    const period = this.bucketedPeriod(interval, range);
    const buckets = await this.repo.refusalsByRule(interval, period);
    const totals = new Map<string, number>();
    for (const { byRule } of buckets) {
      for (const [rule, n] of Object.entries(byRule)) totals.set(rule, (totals.get(rule) ?? 0) + n);
    }
    const rules = [...totals.keys()].sort((a, b) => totals.get(b)! - totals.get(a)! || (a < b ? -1 : 1));
    const points = buckets.map((p) => ({ ...p, total: Object.values(p.byRule).reduce((n, c) => n + c, 0) }));
    return { period, rules, points };
  }

  /** The period, refused when it would make more than BUCKETS_MAX buckets of the interval. */
  private bucketedPeriod(interval: Interval, range: { from?: Date; to?: Date }): Period {
    const period = this.period(range);
    const buckets = Math.ceil((period.to.getTime() - period.from.getTime()) / INTERVAL_MS[interval]);
    if (buckets > BUCKETS_MAX) {
      throw new ValidationFailed(
        `At most ${BUCKETS_MAX} buckets: shorten the range or use a longer interval`,
        { buckets },
        'range_too_large',
      );
    }
    return period;
  }

  private period({ from, to }: { from?: Date; to?: Date }): Period {
    const end = to ?? new Date();
    const start = from ?? new Date(end.getTime() - DEFAULT_PERIOD_MS);
    if (start >= end) throw new ValidationFailed('from must be before to');
    return { from: start, to: end };
  }
}

function web3Report(groups: Web3SendGroup[]): Web3Report {
  const sends = new Map<string, Web3Report['sends'][number]>();
  const value = new Map<string, Web3Report['value'][number]>();
  for (const g of groups) {
    const send = sends.get(`${g.chainId}|${g.status}`) ?? { chainId: g.chainId, status: g.status, count: 0 };
    send.count += g.count;
    sends.set(`${g.chainId}|${g.status}`, send);
    const asset = value.get(`${g.chainId}|${g.asset}`) ?? {
      chainId: g.chainId,
      asset: g.asset,
      assetSymbol: g.assetSymbol,
      confirmed: 0n,
      pending: 0n,
    };
    if (g.status === 'confirmed') asset.confirmed += g.amount;
    if (g.status === 'pending') asset.pending += g.amount;
    value.set(`${g.chainId}|${g.asset}`, asset);
  }
  const byChainThen =
    <T extends { chainId: number }>(key: (x: T) => string) =>
    (a: T, b: T) =>
      a.chainId - b.chainId || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
  return {
    sends: [...sends.values()].sort(byChainThen((s) => s.status)),
    value: [...value.values()].sort(byChainThen((v) => v.asset)),
  };
}
