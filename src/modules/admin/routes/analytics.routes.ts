import type { Api } from '../../../http/api';
import type { AdminModule } from '../admin.module';
import {
  refusalsQuery,
  refusalsView,
  summaryQuery,
  summaryView,
  timeseriesQuery,
  timeseriesView,
  toPointView,
  toRefusalsView,
  toSummaryView,
} from '../analytics/analytics.schemas';

const tags = ['admin'];

/** Dashboard analytics. */
export function adminAnalyticsRoutes(api: Api, admin: AdminModule): void {
  api.route({
    method: 'get',
    path: '/admin/analytics/summary',
    summary:
      'Wallets, transactions by type and currency, payment success rate, refunds, agent payments and policy refusals, web3 sends over [from, to)',
    tags,
    permission: 'admin:analytics:read',
    query: summaryQuery,
    responses: { 200: { description: 'The figures', schema: summaryView } },
    handler: async ({ query }) => ({ status: 200, body: toSummaryView(await admin.analytics.summary(query)) }),
  });

  api.route({
    method: 'get',
    path: '/admin/analytics/timeseries',
    summary: 'One metric per day or hour (UTC) over [from, to), with no gaps',
    tags,
    permission: 'admin:analytics:read',
    query: timeseriesQuery,
    responses: { 200: { description: 'The series', schema: timeseriesView } },
    handler: async ({ query }) => {
      const { metric, interval, currency, from, to } = query;
      const points = await admin.analytics.timeseries(metric, interval, { from, to }, currency);
      return { status: 200, body: { metric, interval, points: points.map(toPointView) } };
    },
  });

  api.route({
    method: 'get',
    path: '/admin/analytics/agent-refusals',
    summary: "Agent payments refused by their owner's policy or mandate, per day or hour (UTC) and by rule, over [from, to)",
    tags,
    permission: 'admin:analytics:read',
    query: refusalsQuery,
    responses: { 200: { description: 'The refusals by bucket and rule', schema: refusalsView } },
    handler: async ({ query }) => {
      const { interval, from, to } = query;
      return { status: 200, body: toRefusalsView(await admin.analytics.agentRefusals(interval, { from, to }), interval) };
    },
  });
}
