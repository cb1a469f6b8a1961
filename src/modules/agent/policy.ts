import { PolicyViolation } from '../../shared/errors';

/** An owner's limits on what an agent may pay. Absent limits do not apply; empty lists mean "any". */
export interface SpendingPolicy {
  maxPerTransaction?: bigint;
  dailyBudget?: bigint;
  monthlyBudget?: bigint;
  allowedCounterparties: string[];
  allowedCurrencies: string[];
  notBefore?: Date;
  expiresAt?: Date;
  approvalThreshold?: bigint;
  /**
   * x402 (docs/x402.md): the owner's chain wallet the agent pays 402 challenges from; absent, the
   * agent pays none. The assets it may pay in (`eip155:<chainId>/erc20:<address>`), and the caps in
   * those assets' base units: per request, and per UTC day and asset. `allowedCounterparties` also
   * lists the payee addresses it may pay (empty = any).
   */
  x402WalletId?: string;
  x402Assets?: string[];
  x402MaxPerRequest?: bigint;
  x402DailyBudget?: bigint;
}

/** A policy as stored (JSONB): amounts as strings of digits, dates as ISO strings. */
export type StoredPolicy = Record<string, string | string[]>;

export interface PaymentFacts {
  amount: bigint;
  currency: string;
  /** Every name of the payee: its wallet id, agent id, merchant id; allowed if any one is listed. */
  counterparties: string[];
}

const AMOUNTS = ['maxPerTransaction', 'dailyBudget', 'monthlyBudget', 'approvalThreshold', 'x402MaxPerRequest', 'x402DailyBudget'] as const;
const DATES = ['notBefore', 'expiresAt'] as const;

export function storePolicy(p: SpendingPolicy): StoredPolicy {
  const stored: StoredPolicy = { allowedCounterparties: p.allowedCounterparties, allowedCurrencies: p.allowedCurrencies };
  for (const key of AMOUNTS) if (p[key] !== undefined) stored[key] = p[key].toString();
  for (const key of DATES) if (p[key] !== undefined) stored[key] = p[key].toISOString();
  if (p.x402WalletId !== undefined) stored.x402WalletId = p.x402WalletId;
  if (p.x402Assets !== undefined) stored.x402Assets = p.x402Assets;
  return stored;
}

export function loadPolicy(s: StoredPolicy): SpendingPolicy {
  const policy: SpendingPolicy = {
    allowedCounterparties: (s.allowedCounterparties as string[] | undefined) ?? [],
    allowedCurrencies: (s.allowedCurrencies as string[] | undefined) ?? [],
  };
  for (const key of AMOUNTS) if (typeof s[key] === 'string') policy[key] = BigInt(s[key]);
  for (const key of DATES) if (typeof s[key] === 'string') policy[key] = new Date(s[key]);
  if (typeof s.x402WalletId === 'string') policy.x402WalletId = s.x402WalletId;
  if (Array.isArray(s.x402Assets)) policy.x402Assets = s.x402Assets;
  return policy;
}

/**
 * The rules that need no counters: validity window, currency, counterparty, per-transaction cap.
 * Throws PolicyViolation naming the rule. Errors: policy_violation (rule: not_before, expires_at,
 * allowed_currencies, allowed_counterparties, max_per_transaction).
 */
export function checkStaticRules(policy: SpendingPolicy, payment: PaymentFacts, now: Date): void {
  if (policy.notBefore && now < policy.notBefore) {
    throw new PolicyViolation('not_before', 'The agent may not pay before its policy starts');
  }
  if (policy.expiresAt && now >= policy.expiresAt) {
    throw new PolicyViolation('expires_at', "The agent's policy has expired");
  }
  if (policy.allowedCurrencies.length > 0 && !policy.allowedCurrencies.includes(payment.currency)) {
    throw new PolicyViolation('allowed_currencies', `The agent may not pay in ${payment.currency}`);
  }
  const allowed = policy.allowedCounterparties;
  if (allowed.length > 0 && !payment.counterparties.some((c) => allowed.includes(c))) {
    throw new PolicyViolation('allowed_counterparties', 'The payee is not among the counterparties the agent may pay');
  }
  if (policy.maxPerTransaction !== undefined && payment.amount > policy.maxPerTransaction) {
    throw new PolicyViolation('max_per_transaction', 'The amount is above the per-transaction maximum', {
      limit: policy.maxPerTransaction.toString(),
    });
  }
}

/** The counter periods a payment at `now` counts towards (UTC). */
export function spendPeriods(now: Date): { day: string; month: string } {
  const iso = now.toISOString();
  return { day: `d:${iso.slice(0, 10)}`, month: `m:${iso.slice(0, 7)}` };
}

/**
 * Budgets against what was already spent (read under lock). Errors: policy_violation (rule:
 * daily_budget, monthly_budget).
 */
export function checkBudgets(policy: SpendingPolicy, amount: bigint, spent: { day: bigint; month: bigint }): void {
  if (policy.dailyBudget !== undefined && spent.day + amount > policy.dailyBudget) {
    throw new PolicyViolation('daily_budget', 'The payment would exceed the daily budget', {
      limit: policy.dailyBudget.toString(),
      remaining: maxZero(policy.dailyBudget - spent.day).toString(),
    });
  }
  if (policy.monthlyBudget !== undefined && spent.month + amount > policy.monthlyBudget) {
    throw new PolicyViolation('monthly_budget', 'The payment would exceed the monthly budget', {
      limit: policy.monthlyBudget.toString(),
      remaining: maxZero(policy.monthlyBudget - spent.month).toString(),
    });
  }
}

export function needsApproval(policy: SpendingPolicy, amount: bigint): boolean {
  return policy.approvalThreshold !== undefined && amount > policy.approvalThreshold;
}

const maxZero = (n: bigint) => (n < 0n ? 0n : n);

/** An x402 payment as the policy sees it: asset `eip155:<chainId>/erc20:<address lowercase>`, base units, payee address. */
export interface X402PaymentFacts {
  asset: string;
  amount: bigint;
  /** Checksummed. */
  payTo: string;
}

/**
 * The x402 rules of a policy that need no counters (the daily budget is checked with the spend
 * counter). Errors: policy_violation (rule: not_before, expires_at, x402_not_enabled, x402_assets,
 * allowed_counterparties, x402_max_per_request).
 */
export function checkX402Rules(policy: SpendingPolicy, payment: X402PaymentFacts, now: Date): void {
  if (policy.notBefore && now < policy.notBefore) throw new PolicyViolation('not_before', 'The agent may not pay before its policy starts');
  if (policy.expiresAt && now >= policy.expiresAt) throw new PolicyViolation('expires_at', "The agent's policy has expired");
  if (policy.x402WalletId === undefined)
    throw new PolicyViolation('x402_not_enabled', "The agent's policy names no chain wallet to pay x402 from");
  if (!(policy.x402Assets ?? []).includes(payment.asset)) {
    throw new PolicyViolation('x402_assets', `The agent may not pay in ${payment.asset}`, { asset: payment.asset });
  }
  const allowed = policy.allowedCounterparties;
  if (allowed.length > 0 && !allowed.includes(payment.payTo) && !allowed.includes(payment.payTo.toLowerCase())) {
    throw new PolicyViolation('allowed_counterparties', 'The payee is not among the counterparties the agent may pay');
  }
  if (policy.x402MaxPerRequest !== undefined && payment.amount > policy.x402MaxPerRequest) {
    throw new PolicyViolation('x402_max_per_request', 'The amount is above the per-request maximum', {
      limit: policy.x402MaxPerRequest.toString(),
    });
  }
}
