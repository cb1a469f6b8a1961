export const TIMESERIES_METRICS = [
  'transaction_count',
  'transaction_volume',
  'wallets_created',
  'refund_count',
  'refund_volume',
  'payment_success_rate',
] as const;
export type TimeseriesMetric = (typeof TIMESERIES_METRICS)[number];
export type Interval = 'day' | 'hour';

export interface Period {
  from: Date;
  to: Date;
}

export interface TypeFigures {
  type: string;
  currency: string;
  count: number;
  volume: bigint;
}

export interface Summary {
  walletsCreated: number;
  activeWallets: number;
  transactions: TypeFigures[];
  /** card_charges by status. */
  charges: Record<string, number>;
  /** refund_requests by status. */
  refundRequests: Record<string, number>;
  /** Present only when the agents table exists. */
  agentsCreated: number | null;
}

/** A bucket's value: a count or a volume (bigint), a ratio (number), or null (no data for a ratio). */
export interface Point {
  bucket: Date;
  value: bigint | number | null;
}

/** Aggregates over [from, to) in SQL, each on an indexed created_at. */
export interface AnalyticsRepository {
  summary(period: Period): Promise<Summary>;
  timeseries(metric: TimeseriesMetric, interval: Interval, period: Period, currency?: string): Promise<Point[]>;
}
