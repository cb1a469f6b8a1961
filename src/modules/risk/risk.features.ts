// What the risk model looks at, computed from OCP's own records (never from what the caller
// claims). The raw aggregates come from one indexed query per movement (SqlRiskRepository);
// `toFeatures` turns them into the numbers the model weighs, and the synthetic data set goes
// through the same function, so training and scoring cannot drift apart.

/** One movement's context, as read from the records just before it is posted. */
export interface RawAggregates {
  /** The movement's own amount, minor units. */
  amount: bigint;
  /** The source wallet's balance before the movement. */
  balance: bigint;
  /** Outgoing transfers of the source in the last 90 days (the newest 30 at most), and their sum. */
  pastCount: number;
  pastTotal: bigint;
  /** Of those, in the last hour and in the last day. */
  hourCount: number;
  hourTotal: bigint;
  dayCount: number;
  /** Of those, paid to this movement's counterparty (0: a new counterparty). */
  toCounterpartyCount: number;
  /** False when the movement has no user-wallet counterparty (a payout): never "new". */
  hasCounterparty: boolean;
  /** Received from other user wallets in the last day (not card funding): the "in" of a mule's in-out. */
  receivedDayFromUsers: bigint;
  /** Card charges of the wallet that failed in the last day. */
  failedDay: number;
  /** Seconds since the owner registered. */
  ageSeconds: number;
  /** The movement is made by an AI agent for its owner. */
  agent: boolean;
  /**
   * Money into the wallet from outside the user wallets (a card funding, an operator's credit): it
   * drains nothing, and has no counterparty; history, velocity, failures and age still count.
   */
  inbound?: boolean;
  /**
   * A person's request from an address not among their settled sign-in addresses of the last 30 days
   * (migrations 0290, 0291). False for agents, servers, background work and users with no settled address.
   */
  newIp?: boolean;
}

/** The model's inputs, in this order everywhere (model files list them by name). */
export const FEATURE_NAMES = [
  'amount_vs_history',
  'balance_drained',
  'transfers_last_hour',
  'amount_last_hour_vs_history',
  'transfers_last_day',
  'new_counterparty',
  'account_age_days',
  'failed_attempts_last_day',
  'received_from_users_vs_amount',
  'agent_initiated',
  'history_count',
  'new_ip',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];

const DAY_SECONDS = 86_400;

/** The feature vector of one movement. Pure and cheap (a few divisions and logs). */
export function toFeatures(r: RawAggregates): number[] {
  const amount = Number(r.amount);
  // With no history the movement is its own yardstick (ratio 1): "fresh account" is its own feature.
  const mean = r.pastCount > 0 ? Number(r.pastTotal) / r.pastCount : amount;
  const yardstick = Math.max(mean, 1);
  const balance = Number(r.balance);
  return [
    Math.log1p(amount / yardstick),
    r.inbound ? 0 : balance > 0 ? Math.min(amount / balance, 1) : 1,
    Math.log1p(r.hourCount),
    Math.log1p(Number(r.hourTotal) / yardstick),
    Math.log1p(r.dayCount),
    r.hasCounterparty && r.toCounterpartyCount === 0 ? 1 : 0,
    Math.log1p(Math.max(r.ageSeconds, 0) / DAY_SECONDS),
    Math.log1p(r.failedDay),
    Math.min(Number(r.receivedDayFromUsers) / Math.max(amount, 1), 2),
    r.agent ? 1 : 0,
    Math.log1p(r.pastCount),
    r.newIp ? 1 : 0,
  ];
}
