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
}

/** A policy as stored (JSONB): amounts as strings of digits, dates as ISO strings. */
export type StoredPolicy = Record<string, string | string[]>;

export interface PaymentFacts {
  amount: bigint;
  currency: string;
  /** Every name of the payee: its wallet id, agent id, merchant id; allowed if any one is listed. */
  counterparties: string[];
}

const AMOUNTS = ['maxPerTransaction', 'dailyBudget', 'monthlyBudget', 'approvalThreshold'] as const;
const DATES = ['notBefore', 'expiresAt'] as const;

export function storePolicy(p: SpendingPolicy): StoredPolicy {
  const stored: StoredPolicy = { allowedCounterparties: p.allowedCounterparties, allowedCurrencies: p.allowedCurrencies };
  for (const key of AMOUNTS) if (p[key] !== undefined) stored[key] = p[key].toString();
  for (const key of DATES) if (p[key] !== undefined) stored[key] = p[key].toISOString();
  return stored;
}

export function loadPolicy(s: StoredPolicy): SpendingPolicy {
  const policy: SpendingPolicy = {
    allowedCounterparties: (s.allowedCounterparties as string[] | undefined) ?? [],
    allowedCurrencies: (s.allowedCurrencies as string[] | undefined) ?? [],
  };
  for (const key of AMOUNTS) if (typeof s[key] === 'string') policy[key] = BigInt(s[key]);
  for (const key of DATES) if (typeof s[key] === 'string') policy[key] = new Date(s[key]);
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
