import { PolicyViolation } from '../../../src/shared/errors';
import { checkBudgets, checkStaticRules, loadPolicy, needsApproval, spendPeriods, storePolicy, type SpendingPolicy } from '../../../src/modules/agent/policy';

const base: SpendingPolicy = { allowedCounterparties: [], allowedCurrencies: [] };
const now = new Date('2026-04-08T12:00:00Z');
const payment = { amount: 100n, currency: 'USD', counterparties: ['wal_a', 'agt_b'] };

function ruleOf(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (error instanceof PolicyViolation) return error.rule;
    throw error;
  }
}

describe('spending policy rules', () => {
  it('when the policy is empty, then any payment passes the static rules and the budgets', () => {
    expect(ruleOf(() => checkStaticRules(base, payment, now))).toBeUndefined();
    expect(ruleOf(() => checkBudgets(base, 10n ** 18n, { day: 0n, month: 0n }))).toBeUndefined();
  });

  it('when each limit is crossed, then the rule named is that limit', () => {
    expect(ruleOf(() => checkStaticRules({ ...base, notBefore: new Date('2026-04-09T00:00:00Z') }, payment, now))).toBe('not_before');
    expect(ruleOf(() => checkStaticRules({ ...base, expiresAt: now }, payment, now))).toBe('expires_at');
    expect(ruleOf(() => checkStaticRules({ ...base, allowedCurrencies: ['EUR'] }, payment, now))).toBe('allowed_currencies');
    expect(ruleOf(() => checkStaticRules({ ...base, allowedCounterparties: ['merchant_x'] }, payment, now))).toBe('allowed_counterparties');
    expect(ruleOf(() => checkStaticRules({ ...base, maxPerTransaction: 99n }, payment, now))).toBe('max_per_transaction');
  });

  it('when any one name of the payee is allowed, then the counterparty rule passes', () => {
    expect(ruleOf(() => checkStaticRules({ ...base, allowedCounterparties: ['agt_b'] }, payment, now))).toBeUndefined();
  });

  it('when a payment lands exactly on a budget, then it passes; one more minor unit is refused', () => {
    const policy = { ...base, dailyBudget: 1000n, monthlyBudget: 5000n };
    expect(ruleOf(() => checkBudgets(policy, 100n, { day: 900n, month: 900n }))).toBeUndefined();
    expect(ruleOf(() => checkBudgets(policy, 101n, { day: 900n, month: 900n }))).toBe('daily_budget');
    expect(ruleOf(() => checkBudgets(policy, 100n, { day: 0n, month: 4901n }))).toBe('monthly_budget');
  });

  it('when the amount equals the approval threshold, then no approval is needed; above it, one is', () => {
    expect(needsApproval({ ...base, approvalThreshold: 100n }, 100n)).toBe(false);
    expect(needsApproval({ ...base, approvalThreshold: 100n }, 101n)).toBe(true);
  });

  it('when periods are computed, then they are the UTC day and month', () => {
    expect(spendPeriods(new Date('2026-04-30T23:59:59Z'))).toEqual({ day: 'd:2026-04-30', month: 'm:2026-04' });
  });

  it('when a policy is stored and loaded, then it is the same policy', () => {
    const policy: SpendingPolicy = { ...base, dailyBudget: 9_007_199_254_740_993n, expiresAt: now, allowedCurrencies: ['USD'] };
    expect(loadPolicy(storePolicy(policy))).toEqual(policy);
  });
});
