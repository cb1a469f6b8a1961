import { z } from 'zod';
import { currencyCode } from '../../../shared/money/money';
import { isoDate } from '../admin.schemas';
import { TIMESERIES_METRICS, type Point } from './analytics.repository';
import type { SummaryReport } from './analytics.service';

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

const counts = z.record(z.string(), z.number().int());

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
    agents: z.object({ created: z.number().int() }).nullable().meta({ description: 'Null when the agents module is not installed' }),
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
  agents: s.agentsCreated === null ? null : { created: s.agentsCreated },
});

/** Counts and volumes as strings of digits (they are bigint), ratios as numbers. */
export const toPointView = (p: Point) => ({
  bucket: p.bucket.toISOString(),
  value: typeof p.value === 'bigint' ? p.value.toString() : p.value,
});
