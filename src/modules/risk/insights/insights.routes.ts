import { z } from 'zod';
import type { Api } from '../../../http/api';
import { idParams } from '../../../http/params';
import type { InsightsService } from './insights.service';

const minor = z.string().meta({ description: 'Minor units, digits' });
const insightsView = z.object({
  walletId: z.string(),
  currency: z.string(),
  spending: z.array(
    z.object({
      month: z.string(),
      total: minor,
      byCategory: z.array(z.object({ category: z.string(), amount: minor })),
      byCounterparty: z.array(z.object({ counterparty: z.string(), amount: minor })),
    }),
  ),
  recurring: z.array(
    z.object({
      counterparty: z.string(),
      direction: z.enum(['out', 'in']),
      cadence: z.enum(['weekly', 'monthly']),
      amount: minor,
      occurrences: z.number().int(),
      lastAt: z.string(),
      nextAt: z.string(),
    }),
  ),
  projection: z.object({
    days: z.array(z.object({ date: z.string(), balance: minor })),
    lowest: z.object({ date: z.string(), balance: minor }),
  }),
  lowBalance: z.object({
    autoTopUpThreshold: minor.nullable(),
    lookaheadDays: z.number().int(),
    belowThresholdOn: z.string().nullable(),
    earlyTopUpStarted: z.boolean(),
  }),
});

/** JSON of the insights: bigints as digit strings, dates as ISO strings. */
const toJsonShape = (value: unknown): unknown =>
  typeof value === 'bigint'
    ? value.toString()
    : value instanceof Date
      ? value.toISOString()
      : Array.isArray(value)
        ? value.map(toJsonShape)
        : value && typeof value === 'object'
          ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonShape(v)]))
          : value;

export function insightsRoutes(api: Api, insights: InsightsService): void {
  api.route({
    method: 'get',
    path: '/wallets/:id/insights',
    summary: "The owner's spending insights: by month, category and counterparty; recurring flows; 30-day projection",
    tags: ['wallets'],
    permission: 'wallet:read',
    params: idParams,
    responses: { 200: { description: 'The insights (docs/risk.md#insights)', schema: insightsView } },
    handler: async ({ params, principal }) => ({
      status: 200,
      body: insightsView.parse(toJsonShape(await insights.insights(principal, params.id))),
    }),
  });
}
