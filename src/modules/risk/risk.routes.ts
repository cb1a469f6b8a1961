import type { Api, RouteInput } from '../../http/api';
import { riskModelView, riskScorePageView, scoresQuery, toRiskScoreView } from './risk.schemas';
import type { RiskService } from './risk.service';

const tags = ['admin'];

const modelView = (m: ReturnType<RiskService['activeModel']>) => ({ ...m, loadedAt: m.loadedAt.toISOString() });

/** Operators' view of the risk scoring (docs/risk.md). */
export function riskRoutes(api: Api, risk: RiskService): void {
  api.route({
    method: 'get',
    path: '/admin/risk/scores',
    summary: 'Risk scores of money movements, newest first, with their main reasons',
    tags,
    permission: 'admin:risk:read',
    query: scoresQuery,
    responses: { 200: { description: 'A page of risk scores', schema: riskScorePageView } },
    handler: async ({ query }) => {
      const page = await risk.list(query.walletId, query.limit, query.cursor);
      return { status: 200, body: { data: page.data.map(toRiskScoreView), nextCursor: page.nextCursor } };
    },
  });

  api.route({
    method: 'get',
    path: '/admin/risk/model',
    summary: 'The active risk model: version, training date, features, held-out metrics, thresholds',
    tags,
    permission: 'admin:risk:read',
    responses: { 200: { description: 'The active model', schema: riskModelView } },
    handler: async () => ({ status: 200, body: modelView(risk.activeModel()) }),
  });

  api.route({
    method: 'post',
    path: '/admin/risk/model/reload',
    summary: 'Load the newest model file (risk-<version>.json) without a restart; audited',
    tags,
    permission: 'admin:risk:write',
    responses: { 200: { description: 'The model now active', schema: riskModelView } },
    handler: async (input: RouteInput<unknown, unknown, unknown>) => {
      const active = await risk.reloadModel({ actorId: input.principal.sub, requestId: input.requestId, ip: input.ip });
      return { status: 200, body: modelView(active) };
    },
  });
}
