import { z } from 'zod';
import { currencyCode } from '../../../shared/money/money';
import { isoDate } from '../admin.schemas';
import { TIMESERIES_METRICS, type Point } from './analytics.repository';
import type { RefusalsReport, SummaryReport } from './analytics.service';

const period = {
  from: isoDate.optional().meta({ description: 'Inclusive; default 30 days before to' }),
  to: isoDate.optional().meta({ description: 'Exclusive; default now' }),
};

export const summaryQuery = z.object(period).strict();

export const timeseriesQuery = z
  .object({
    metric: z.enum(TIMESERIES_METRICS),
    interval: z.enum(['day', 'hour']).default('day'),
    currency: currencyCode.optional().meta({ description: 'Required for the volume metrics' }),
    ...period,
  })
  .strict();

export const refusalsQuery = z.object({ interval: z.enum(['day', 'hour']).default('day'), ...period }).strict();

const counts = z.record(z.string(), z.number().int());
const baseUnits = z
  .string()
  .regex(/^[0-9]+$/)
  .meta({ description: 'Base units (wei, or the token smallest unit), a string of digits' });

export const summaryView = z
  .object({
    from: z.string(),
    to: z.string(),
    wallets: z.object({ created: z.number().int(), active: z.number().int() }),
    transactions: z.array(z.object({ type: z.string(), currency: z.string(), count: z.number().int(), volume: z.string() })),
    payments: z.object({ byStatus: counts, successRate: z.number().nullable() }),
    refunds: z.object({
      count: z.number().int(),
      volume: z.array(z.object({ currency: z.string(), amount: z.string() })),
      requestsByStatus: counts,
    }),
    agents: z
      .object({
        created: z.number().int(),
        payments: z.object({ byStatus: counts.meta({ description: 'completed, pending_approval, declined, expired' }) }),
        policyRefusals: z.object({
          count: z.number().int(),
          byRule: counts.meta({ description: 'The policy rule (max_per_transaction, daily_budget, ...) or mandate check that refused' }),
        }),
      })
      .nullable()
      .meta({ description: 'Null when the agents module is not installed' }),
    web3: z.object({
      sends: z.array(z.object({ chainId: z.number().int(), status: z.enum(['pending', 'confirmed', 'failed']), count: z.number().int() })),
      value: z
        .array(
          z.object({ chainId: z.number().int(), asset: z.string(), assetSymbol: z.string(), confirmed: baseUnits, pending: baseUnits }),
        )
        .meta({ description: "Per chain and asset ('native' or the ERC-20 contract); a failed send moved no value" }),
    }),
  })
  .meta({ id: 'AnalyticsSummary' });

export const timeseriesView = z
  .object({
    metric: z.enum(TIMESERIES_METRICS),
    interval: z.enum(['day', 'hour']),
    points: z.array(z.object({ bucket: z.string(), value: z.union([z.string(), z.number(), z.null()]) })),
  })
  .meta({ id: 'AnalyticsTimeseries' });

export const toSummaryView = (s: SummaryReport) => ({
  from: s.period.from.toISOString(),
  to: s.period.to.toISOString(),
  wallets: { created: s.walletsCreated, active: s.activeWallets },
  transactions: s.transactions.map((t) => ({ ...t, volume: t.volume.toString() })),
  payments: { byStatus: s.charges, successRate: s.paymentSuccessRate },
  refunds: {
    count: s.refunds.count,
    volume: s.refunds.volume.map((v) => ({ currency: v.currency, amount: v.amount.toString() })),
    requestsByStatus: s.refundRequests,
  },
  agents:
    s.agents === null
      ? null
      : {
          created: s.agents.created,
          payments: { byStatus: s.agents.payments },
          policyRefusals: { count: Object.values(s.agents.policyRefusals).reduce((n, c) => n + c, 0), byRule: s.agents.policyRefusals },
        },
  web3: {
    sends: s.web3.sends,
    value: s.web3.value.map((v) => ({ ...v, confirmed: v.confirmed.toString(), pending: v.pending.toString() })),
  },
});

/** Counts and volumes as strings of digits (they are bigint), ratios as numbers. */
export const toPointView = (p: Point) => ({
  bucket: p.bucket.toISOString(),
  value: typeof p.value === 'bigint' ? p.value.toString() : p.value,
});

export const refusalsView = z
  .object({
    from: z.string(),
    to: z.string(),
    interval: z.enum(['day', 'hour']),
    rules: z.array(z.string()).meta({ description: 'Every rule that refused in the period, the most frequent first' }),
    points: z.array(
      z.object({
        bucket: z.string(),
        total: z.number().int(),
        byRule: counts.meta({ description: 'Refusals in the bucket by rule; a rule with none is absent' }),
      }),
    ),
  })
  .meta({ id: 'AnalyticsAgentRefusals' });

export const toRefusalsView = (r: RefusalsReport, interval: 'day' | 'hour') => ({
  from: r.period.from.toISOString(),
  to: r.period.to.toISOString(),
  interval,
  rules: r.rules,
  points: r.points.map((p) => ({ bucket: p.bucket.toISOString(), total: p.total, byRule: p.byRule })),
});
