import { z } from 'zod';
import { pageQuery } from '../../shared/pagination';
import type { RiskReview, RiskScoreRecord } from './risk.repository';

export const scoresQuery = pageQuery.extend({ walletId: z.string().min(1).max(64).optional() }).strict();

const reason = z.object({ feature: z.string(), contribution: z.number() });

export const riskScoreView = z.object({
  id: z.string(),
  kind: z.string(),
  movementId: z.string().nullable(),
  walletId: z.string(),
  counterparty: z.string().nullable(),
  amount: z.string(),
  currency: z.string(),
  score: z.number(),
  decision: z.enum(['allow', 'review', 'refuse']),
  reasons: z.array(reason),
  modelVersion: z.string(),
  initiatedBy: z.string(),
  createdAt: z.string(),
});

export const riskScorePageView = z.object({ data: z.array(riskScoreView), nextCursor: z.string().nullable() });

export const riskModelView = z.object({
  version: z.string(),
  trainedAt: z.string(),
  features: z.array(z.string()),
  metrics: z.record(z.string(), z.unknown()),
  loadedAt: z.string(),
  thresholds: z.object({ review: z.number(), block: z.number() }),
});

export const toRiskScoreView = (s: RiskScoreRecord): z.infer<typeof riskScoreView> => ({
  ...s,
  amount: s.amount.toString(),
  createdAt: s.createdAt.toISOString(),
});

export const riskReviewView = z.object({
  id: z.string(),
  scoreId: z.string(),
  holdId: z.string(),
  walletId: z.string(),
  status: z.enum(['pending', 'approved', 'rejected']),
  transferId: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  createdAt: z.string(),
});

export const toRiskReviewView = (r: RiskReview): z.infer<typeof riskReviewView> => ({
  ...r,
  decidedAt: r.decidedAt?.toISOString() ?? null,
  createdAt: r.createdAt.toISOString(),
});
