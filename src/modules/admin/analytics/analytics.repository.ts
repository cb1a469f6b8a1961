export const TIMESERIES_METRICS = [
  'transaction_count',
  'transaction_volume',
  'wallets_created',
  'refund_count',
  'refund_volume',
  'payment_success_rate',
  'agent_policy_refusals',
  'web3_sends',
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
  agents: AgentFigures | null;
  /** web3_sends grouped by chain, asset and status. */
  web3Sends: Web3SendGroup[];
}

export interface AgentFigures {
  created: number;
  /** agent_payments by status (completed, pending_approval, declined, expired). */
  payments: Record<string, number>;
  /** Refusals by the owner's limits (agent_audit_log refused with a rule), by rule. */
  policyRefusals: Record<string, number>;
}

export interface Web3SendGroup {
  chainId: number;
  /** 'native' or the ERC-20 contract address. */
  asset: string;
  assetSymbol: string;
  status: string;
  count: number;
  /** Base units (wei, or the token's smallest unit): NUMERIC(78) in SQL, never a float. */
  amount: bigint;
}

/** A bucket's value: a count or a volume (bigint), a ratio (number), or null (no data for a ratio). */
export interface Point {
  bucket: Date;
  value: bigint | number | null;
}

/** A bucket's policy refusals by the rule that refused (rules with none in the bucket are absent). */
export interface RuleCounts {
  bucket: Date;
  byRule: Record<string, number>;
}

/** Aggregates over [from, to) in SQL, each on an indexed created_at. */
export interface AnalyticsRepository {
  summary(period: Period): Promise<Summary>;
  timeseries(metric: TimeseriesMetric, interval: Interval, period: Period, currency?: string): Promise<Point[]>;
  /** Agent policy refusals per bucket and rule, every bucket present (empty ones with no rule). */
  refusalsByRule(interval: Interval, period: Period): Promise<RuleCounts[]>;
}
