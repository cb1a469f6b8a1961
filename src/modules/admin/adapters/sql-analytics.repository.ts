import type { SqlClient } from '../../../infra/db/database';
import type {
  AgentFigures,
  AnalyticsRepository,
  Interval,
  Period,
  Point,
  RuleCounts,
  Summary,
  TimeseriesMetric,
  Web3SendGroup,
} from '../analytics/analytics.repository';

const SUCCEEDED = `status IN ('succeeded', 'credited')`;
/** A refusal by the owner's limits names the rule (or mandate check) that refused; other refusals have none. */
const POLICY_REFUSAL = `decision = 'refused' AND rule IS NOT NULL`;

/** Each metric's source, aggregate and condition: fixed SQL, never built from input. */
const METRICS: Record<TimeseriesMetric, { table: string; value: string; where: string; ratio?: boolean }> = {
  transaction_count: { table: 'transfers', value: 'count(*)', where: 'true' },
  transaction_volume: { table: 'transfers', value: 'sum(amount)', where: 'currency = $4' },
  wallets_created: { table: 'wallets', value: 'count(*)', where: `kind = 'user'` },
  refund_count: { table: 'transfers', value: 'count(*)', where: `type = 'refund'` },
  refund_volume: { table: 'transfers', value: 'sum(amount)', where: `type = 'refund' AND currency = $4` },
  payment_success_rate: {
    table: 'card_charges',
    value: `round(count(*) FILTER (WHERE ${SUCCEEDED})::numeric / NULLIF(count(*) FILTER (WHERE ${SUCCEEDED} OR status = 'failed'), 0), 4)`,
    where: 'true',
    ratio: true,
  },
  agent_policy_refusals: { table: 'agent_audit_log', value: 'count(*)', where: POLICY_REFUSAL },
  web3_sends: { table: 'web3_sends', value: 'count(*)', where: 'true' },
};

/** The UTC buckets of [$1, $2) by the interval $3, as the CTE `buckets (b)`. */
const BUCKETS = `buckets AS (
  SELECT generate_series(date_trunc($3, $1::timestamptz AT TIME ZONE 'UTC'),
                         $2::timestamptz AT TIME ZONE 'UTC' - interval '1 microsecond',
                         ('1 ' || $3)::interval) AS b
)`;

const countsBy = (rows: { key: string; n: number }[]) => Object.fromEntries(rows.map((r) => [r.key, r.n]));

export class SqlAnalyticsRepository implements AnalyticsRepository {
  constructor(private readonly db: SqlClient) {}

  async summary({ from, to }: Period): Promise<Summary> {
    const range = [from, to];
    const [created, active, types, charges, requests, agents, web3Sends] = await Promise.all([
      this.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM wallets WHERE kind = 'user' AND created_at >= $1 AND created_at < $2`,
        range,
      ),
      this.db.query<{ n: number }>(
        `SELECT count(DISTINCT e.wallet_id)::int AS n FROM transactions e JOIN wallets w ON w.id = e.wallet_id AND w.kind = 'user'
          WHERE e.created_at >= $1 AND e.created_at < $2`,
        range,
      ),
      this.db.query<{ type: string; currency: string; n: number; volume: string }>(
        `SELECT type, currency, count(*)::int AS n, sum(amount)::text AS volume FROM transfers
          WHERE created_at >= $1 AND created_at < $2 GROUP BY type, currency ORDER BY type, currency`,
        range,
      ),
      this.db.query<{ key: string; n: number }>(
        `SELECT status AS key, count(*)::int AS n FROM card_charges WHERE created_at >= $1 AND created_at < $2 GROUP BY status`,
        range,
      ),
      this.db.query<{ key: string; n: number }>(
        `SELECT status AS key, count(*)::int AS n FROM refund_requests WHERE created_at >= $1 AND created_at < $2 GROUP BY status`,
        range,
      ),
      this.agentFigures(from, to),
      this.web3Sends(from, to),
    ]);
    return {
      walletsCreated: created.rows[0]!.n,
      activeWallets: active.rows[0]!.n,
      transactions: types.rows.map((r) => ({ type: r.type, currency: r.currency.trim(), count: r.n, volume: BigInt(r.volume) })),
      charges: countsBy(charges.rows),
      refundRequests: countsBy(requests.rows),
      agents,
      web3Sends,
    };
  }

  async timeseries(metric: TimeseriesMetric, interval: Interval, { from, to }: Period, currency?: string): Promise<Point[]> {
    const m = METRICS[metric];
    const params: unknown[] = [from, to, interval];
    if (m.where.includes('$4')) params.push(currency);
    // Buckets in UTC; generate_series gives empty buckets a row, so the series has no gaps.
    const { rows } = await this.db.query<{ bucket: Date; value: string | null }>(
      `WITH ${BUCKETS}, data AS (
         SELECT date_trunc($3, created_at AT TIME ZONE 'UTC') AS b, ${m.value} AS v
           FROM ${m.table} WHERE created_at >= $1 AND created_at < $2 AND ${m.where} GROUP BY 1
       )
       SELECT buckets.b AT TIME ZONE 'UTC' AS bucket, data.v::text AS value FROM buckets LEFT JOIN data USING (b) ORDER BY buckets.b`,
      params,
    );
    return rows.map((r) => ({
      bucket: r.bucket,
      value: m.ratio ? (r.value === null ? null : Number(r.value)) : BigInt(r.value ?? '0'),
    }));
  }

  async refusalsByRule(interval: Interval, { from, to }: Period): Promise<RuleCounts[]> {
    const { rows } = await this.db.query<{ bucket: Date; rule: string | null; n: number | null }>(
      `WITH ${BUCKETS}, data AS (
         SELECT date_trunc($3, created_at AT TIME ZONE 'UTC') AS b, rule, count(*)::int AS n
           FROM agent_audit_log WHERE created_at >= $1 AND created_at < $2 AND ${POLICY_REFUSAL} GROUP BY 1, 2
       )
       SELECT buckets.b AT TIME ZONE 'UTC' AS bucket, data.rule, data.n FROM buckets LEFT JOIN data USING (b)
        ORDER BY buckets.b, data.rule`,
      [from, to, interval],
    );
    const points: RuleCounts[] = [];
    for (const row of rows) {
      const last = points.at(-1);
      const point = last && last.bucket.getTime() === row.bucket.getTime() ? last : { bucket: row.bucket, byRule: {} };
      if (point !== last) points.push(point);
      if (row.rule !== null) point.byRule[row.rule] = row.n ?? 0;
    }
    return points;
  }

  private async agentFigures(from: Date, to: Date): Promise<AgentFigures | null> {
    // The agents module may not be installed: count only when its table (with created_at) exists.
    const { rows } = await this.db.query(
      `SELECT 1 FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'agents' AND column_name = 'created_at'`,
    );
    if (rows.length === 0) return null;
    const range = [from, to];
    const [created, payments, refusals] = await Promise.all([
      this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM agents WHERE created_at >= $1 AND created_at < $2', range),
      this.db.query<{ key: string; n: number }>(
        'SELECT status AS key, count(*)::int AS n FROM agent_payments WHERE created_at >= $1 AND created_at < $2 GROUP BY status',
        range,
      ),
      this.db.query<{ key: string; n: number }>(
        `SELECT rule AS key, count(*)::int AS n FROM agent_audit_log
          WHERE ${POLICY_REFUSAL} AND created_at >= $1 AND created_at < $2 GROUP BY rule`,
        range,
      ),
    ]);
    return { created: created.rows[0]!.n, payments: countsBy(payments.rows), policyRefusals: countsBy(refusals.rows) };
  }

  private async web3Sends(from: Date, to: Date): Promise<Web3SendGroup[]> {
    // amount is NUMERIC(78, 0): summed in SQL and read as text, so wei stay exact (no float, no 2^53 limit).
    const { rows } = await this.db.query<{
      chain_id: string | number;
      asset: string;
      symbol: string;
      status: string;
      n: number;
      amount: string;
    }>(
      `SELECT chain_id, asset, min(asset_symbol) AS symbol, status, count(*)::int AS n, sum(amount)::text AS amount FROM web3_sends
        WHERE created_at >= $1 AND created_at < $2 GROUP BY chain_id, asset, status ORDER BY chain_id, asset, status`,
      [from, to],
    );
    return rows.map((r) => ({
      chainId: Number(r.chain_id),
      asset: r.asset,
      assetSymbol: r.symbol,
      status: r.status,
      count: r.n,
      amount: BigInt(r.amount),
    }));
  }
}
