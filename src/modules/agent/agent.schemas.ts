import { z } from 'zod';
import { resourceId as id } from '../../http/params';
import { AMOUNT_FORMAT, currencyCode, positiveAmount } from '../../shared/money/money';
import type { Agent } from './agent.repository';
import { storePolicy } from './policy';
import { isoInstant } from '../../shared/instant';

const instant = isoInstant;

export const policyBody = z
  .object({
    maxPerTransaction: positiveAmount.optional(),
    dailyBudget: positiveAmount.optional(),
    monthlyBudget: positiveAmount.optional(),
    allowedCounterparties: z.array(id).max(100).default([]).meta({ description: 'Agent, wallet or merchant ids; empty = any' }),
    allowedCurrencies: z.array(currencyCode).max(50).default([]).meta({ description: 'Empty = any' }),
    notBefore: instant.optional(),
    expiresAt: instant.optional(),
    approvalThreshold: positiveAmount.optional().meta({ description: `Payments above it wait for the owner; ${AMOUNT_FORMAT}` }),
    x402WalletId: id.optional().meta({ description: "x402: the owner's chain wallet the agent pays 402 challenges from" }),
    x402Assets: z
      .array(z.string().regex(/^eip155:[1-9]\d{0,15}\/erc20:0x[0-9a-f]{40}$/, 'must be eip155:<chainId>/erc20:<lowercase address>'))
      .max(20)
      .optional()
      .meta({ description: 'x402: the tokens the agent may pay in' }),
    x402MaxPerRequest: positiveAmount.optional().meta({ description: "x402: per-request cap, in the token's base units" }),
    x402DailyBudget: positiveAmount.optional().meta({ description: "x402: per UTC day and token, in the token's base units" }),
  })
  .strict()
  .meta({ id: 'AgentPolicy', description: 'Amounts in minor units; every field optional' });

export const createAgentBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    description: z.string().trim().max(500).optional(),
    walletId: id.optional().meta({ description: "One of the owner's wallets the agent spends from" }),
    createWallet: z
      .object({ currency: currencyCode })
      .strict()
      .optional()
      .meta({ description: 'Instead of walletId: open a dedicated wallet' }),
    policy: policyBody.optional(),
    unlimited: z
      .literal(true)
      .optional()
      .meta({ description: 'Instead of policy: the agent may spend the whole wallet, to anyone, in any currency' }),
  })
  .strict()
  .refine((b) => (b.walletId === undefined) !== (b.createWallet === undefined), {
    message: 'give exactly one of walletId and createWallet',
    path: ['walletId'],
  })
  // An agent without limits must be a decision, not an omission: a forgotten policy used to mean "spend it all".
  .refine((b) => (b.policy === undefined) !== (b.unlimited === undefined), {
    message: 'give a spending policy, or "unlimited": true for an agent without limits (not both)',
    path: ['policy'],
  });

/** What `unlimited: true` means: a policy that allows everything (every field empty). */
export const unlimitedPolicy = () => ({ allowedCounterparties: [] as string[], allowedCurrencies: [] as string[] });

export const updateAgentBody = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    description: z.string().trim().max(500).nullable().optional(),
    policy: policyBody.optional().meta({ description: 'Replaces the whole policy, as a new version' }),
  })
  .strict();

const policyView = z.object({
  maxPerTransaction: z.string().optional(),
  dailyBudget: z.string().optional(),
  monthlyBudget: z.string().optional(),
  allowedCounterparties: z.array(z.string()),
  allowedCurrencies: z.array(z.string()),
  notBefore: z.string().optional(),
  expiresAt: z.string().optional(),
  approvalThreshold: z.string().optional(),
  x402WalletId: z.string().optional(),
  x402Assets: z.array(z.string()).optional(),
  x402MaxPerRequest: z.string().optional(),
  x402DailyBudget: z.string().optional(),
});

export const agentView = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    walletId: z.string(),
    clientId: z.string(),
    status: z.enum(['active', 'suspended', 'revoked']),
    policyVersion: z.number().int(),
    policy: policyView,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Agent' });

export const registeredAgentView = agentView.extend({
  credentials: z.object({
    clientId: z.string(),
    clientSecret: z.string().meta({ description: 'Shown once; exchange both at POST /auth/token' }),
  }),
});

export const agentPageView = z.object({ data: z.array(agentView), nextCursor: z.string().nullable() });

export function toAgentView(a: Agent) {
  return {
    id: a.id,
    name: a.name,
    description: a.description,
    walletId: a.walletId,
    clientId: a.clientId,
    status: a.status,
    policyVersion: a.policyVersion,
    policy: storePolicy(a.policy),
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}
