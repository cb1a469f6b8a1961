import type { Api, RouteInput } from '../../http/api';
import { idParams } from '../../http/params';
import { riskModelView, riskReviewView, riskScorePageView, scoresQuery, toRiskReviewView, toRiskScoreView } from './risk.schemas';
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

  const operator = (input: RouteInput<unknown, unknown, unknown>) => ({
    actorId: input.principal.sub,
    requestId: input.requestId,
    ip: input.ip,
  });

  api.route({
    method: 'get',
    path: '/admin/risk/reviews/:id',
    summary: 'A movement held for risk review, and its decision',
    tags,
    permission: 'admin:risk:read',
    params: idParams,
    responses: { 200: { description: 'The review', schema: riskReviewView } },
    handler: async ({ params }) => ({ status: 200, body: toRiskReviewView(await risk.reviews.get(params.id)) }),
  });

  for (const decision of ['approve', 'reject'] as const) {
    api.route({
      method: 'post',
      path: `/admin/risk/reviews/:id/${decision}`,
      summary:
        decision === 'approve'
          ? 'Approve a held movement: its hold is captured and the money moves, once; audited'
          : 'Reject a held movement: its hold is voided and nothing moves; audited',
      tags,
      permission: 'admin:risk:write',
      params: idParams,
      responses: { 200: { description: 'The decided review', schema: riskReviewView } },
      handler: async (input) => ({
        status: 200,
        body: toRiskReviewView(await risk.reviews[decision](operator(input), input.params.id)),
      }),
    });
  }
}
