import { z } from 'zod';
import type { Api } from '../../../http/api';
import { AMOUNT_FORMAT, nonNegativeAmount, positiveAmount } from '../../../shared/money/money';
import { idParams } from '../../../http/params';
import type { AutoTopUpSettings } from './auto-top-up.repository';
import type { AutoTopUpService } from './auto-top-up.service';

const ruleBody = z
  .object({
    enabled: z.boolean(),
    threshold: nonNegativeAmount.meta({ description: `Top up when a debit takes the balance below this (minor units); ${AMOUNT_FORMAT}` }),
    amount: positiveAmount.meta({ description: `How much to charge and credit each time (minor units); ${AMOUNT_FORMAT}` }),
    tokenId: z.string().min(1).max(64),
  })
  .strict();

const settingsView = z
  .object({
    walletId: z.string(),
    enabled: z.boolean(),
    threshold: z.string(),
    amount: z.string(),
    tokenId: z.string(),
    consecutiveFailures: z.number(),
    disabledReason: z.string().nullable().meta({ description: 'Why the rule turned itself off, if it did' }),
    updatedAt: z.string(),
  })
  .meta({ id: 'AutoTopUp' });

const toView = (s: AutoTopUpSettings) => ({
  walletId: s.walletId,
  enabled: s.enabled,
  threshold: s.threshold.toString(),
  amount: s.amount.toString(),
  tokenId: s.tokenId,
  consecutiveFailures: s.consecutiveFailures,
  disabledReason: s.disabledReason,
  updatedAt: s.updatedAt.toISOString(),
});

export function autoTopUpRoutes(api: Api, autoTopUp: AutoTopUpService): void {
  api.route({
    method: 'put',
    path: '/wallets/:id/auto-top-up',
    summary: "Set the wallet's auto top-up rule (saving it again re-enables it and resets the failure count)",
    tags: ['payments'],
    permission: 'wallet:write',
    params: idParams,
    body: ruleBody,
    responses: { 200: { description: 'The rule', schema: settingsView } },
    handler: async ({ params, body, principal }) => ({ status: 200, body: toView(await autoTopUp.configure(principal, params.id, body)) }),
  });

  api.route({
    method: 'get',
    path: '/wallets/:id/auto-top-up',
    summary: "The wallet's auto top-up rule and its state",
    tags: ['payments'],
    permission: 'wallet:read',
    params: idParams,
    responses: { 200: { description: 'The rule', schema: settingsView } },
    handler: async ({ params, principal }) => ({ status: 200, body: toView(await autoTopUp.get(principal, params.id)) }),
  });
}
