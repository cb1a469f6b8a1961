import { PolicyViolation } from '../../../src/shared/errors';
import {
  checkBudgets,
  checkStaticRules,
  checkX402Rules,
  loadPolicy,
  needsApproval,
  spendPeriods,
  storePolicy,
  type SpendingPolicy,
} from '../../../src/modules/agent/policy';

const base: SpendingPolicy = { allowedCounterparties: [], allowedCurrencies: [] };
const now = new Date('2026-04-08T12:00:00Z');
const payment = { amount: 100n, currency: 'USD', counterparties: ['wal_a', 'agt_b'] };

/** The violation thrown, whole: rule, message and details are what the API answers with. */
function violationOf(fn: () => void): PolicyViolation | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (error instanceof PolicyViolation) return error;
    throw error;
  }
}

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

  it('when the policy starts exactly now or earlier, then it applies; one millisecond before its start it does not', () => {
    const at = (iso: string) => ruleOf(() => checkStaticRules({ ...base, notBefore: now }, payment, new Date(iso)));
    expect(at('2026-04-08T12:00:00.000Z')).toBeUndefined();
    expect(at('2026-04-09T00:00:00.000Z')).toBeUndefined();
    expect(at('2026-04-08T11:59:59.999Z')).toBe('not_before');
  });

  it('when the policy expires one millisecond from now, then the payment passes; at the expiry instant it is refused', () => {
    const at = (iso: string) => ruleOf(() => checkStaticRules({ ...base, expiresAt: now }, payment, new Date(iso)));
    expect(at('2026-04-08T11:59:59.999Z')).toBeUndefined();
    expect(at('2026-04-08T12:00:00.000Z')).toBe('expires_at');
  });

  it('when the currency or a payee name is listed, then those rules pass', () => {
    expect(ruleOf(() => checkStaticRules({ ...base, allowedCurrencies: ['EUR', 'USD'] }, payment, now))).toBeUndefined();
    expect(ruleOf(() => checkStaticRules({ ...base, allowedCounterparties: ['wal_a'] }, payment, now))).toBeUndefined();
  });

  it('when the amount is exactly the per-transaction maximum, then it passes; one minor unit more is refused with the limit', () => {
    expect(ruleOf(() => checkStaticRules({ ...base, maxPerTransaction: 100n }, payment, now))).toBeUndefined();
    const refused = violationOf(() => checkStaticRules({ ...base, maxPerTransaction: 100n }, { ...payment, amount: 101n }, now));
    expect(refused?.details).toEqual({ rule: 'max_per_transaction', limit: '100' });
  });

  it('when a static rule refuses, then the message says which rule in words', () => {
    const messageOf = (p: SpendingPolicy) => violationOf(() => checkStaticRules(p, payment, now))?.message;
    expect(messageOf({ ...base, notBefore: new Date('2026-04-09T00:00:00Z') })).toBe('The agent may not pay before its policy starts');
    expect(messageOf({ ...base, expiresAt: now })).toBe("The agent's policy has expired");
    expect(messageOf({ ...base, allowedCurrencies: ['EUR'] })).toBe('The agent may not pay in USD');
    expect(messageOf({ ...base, allowedCounterparties: ['merchant_x'] })).toBe(
      'The payee is not among the counterparties the agent may pay',
    );
    expect(messageOf({ ...base, maxPerTransaction: 99n })).toBe('The amount is above the per-transaction maximum');
  });

  it('when a budget is exceeded, then the refusal gives the limit and what remains of it', () => {
    const policy = { ...base, dailyBudget: 1000n, monthlyBudget: 5000n };
    const daily = violationOf(() => checkBudgets(policy, 101n, { day: 900n, month: 900n }));
    expect(daily?.message).toBe('The payment would exceed the daily budget');
    expect(daily?.details).toEqual({ rule: 'daily_budget', limit: '1000', remaining: '100' });
    const monthly = violationOf(() => checkBudgets(policy, 200n, { day: 0n, month: 4900n }));
    expect(monthly?.message).toBe('The payment would exceed the monthly budget');
    expect(monthly?.details).toEqual({ rule: 'monthly_budget', limit: '5000', remaining: '100' });
  });

  it('when the month lands exactly on its budget, then it passes; one more minor unit is refused', () => {
    const policy = { ...base, monthlyBudget: 5000n };
    expect(ruleOf(() => checkBudgets(policy, 100n, { day: 0n, month: 4900n }))).toBeUndefined();
    expect(ruleOf(() => checkBudgets(policy, 101n, { day: 0n, month: 4900n }))).toBe('monthly_budget');
  });

  it('when a budget is already used up or overspent (lowered later), then what remains is 0, never negative', () => {
    const policy = { ...base, dailyBudget: 1000n, monthlyBudget: 1000n };
    expect(violationOf(() => checkBudgets(policy, 1n, { day: 1000n, month: 0n }))?.details).toMatchObject({ remaining: '0' });
    expect(violationOf(() => checkBudgets(policy, 1n, { day: 1500n, month: 0n }))?.details).toMatchObject({ remaining: '0' });
    expect(violationOf(() => checkBudgets(policy, 1n, { day: 0n, month: 1500n }))?.details).toMatchObject({ remaining: '0' });
    expect(violationOf(() => checkBudgets(policy, 2n, { day: 999n, month: 0n }))?.details).toMatchObject({ remaining: '1' });
  });

  it('when a stored policy has no lists, then it loads with empty lists (any currency, any payee)', () => {
    expect(loadPolicy({})).toEqual({ allowedCounterparties: [], allowedCurrencies: [] });
  });

  it('when a policy with its x402 fields is stored and loaded, then it is the same policy; malformed x402 fields load as absent', () => {
    const policy: SpendingPolicy = {
      ...base,
      x402WalletId: 'w3w_1',
      x402Assets: ['eip155:8453/erc20:0xabc'],
      x402MaxPerRequest: 10_000n,
      x402DailyBudget: 50_000n,
      notBefore: now,
    };
    expect(loadPolicy(storePolicy(policy))).toEqual(policy);
    expect(storePolicy(base)).toEqual({ allowedCounterparties: [], allowedCurrencies: [] });
    // A row written by hand or by an older version: wrong types read as absent, never as a limit.
    const malformed = { x402WalletId: 7, x402Assets: 'eip155:1/erc20:0x1', x402MaxPerRequest: 5 } as unknown as Parameters<
      typeof loadPolicy
    >[0];
    expect(loadPolicy(malformed)).toEqual(base);
  });
});

describe('x402 policy rules', () => {
  const asset = 'eip155:8453/erc20:0xabc';
  const payTo = '0xAbCdEf0000000000000000000000000000000001';
  const x402: SpendingPolicy = { ...base, x402WalletId: 'w3w_1', x402Assets: [asset] };
  const facts = { asset, amount: 10_000n, payTo };
  const x402Rule = (policy: SpendingPolicy, over: Partial<typeof facts> = {}, at: Date = now) =>
    ruleOf(() => checkX402Rules(policy, { ...facts, ...over }, at));

  it('when the policy names a wallet and the asset, then any payee and amount pass', () => {
    expect(x402Rule(x402)).toBeUndefined();
  });

  it('when no wallet is named, or the asset is not listed (or no list is), then it is refused by that rule', () => {
    expect(x402Rule(base)).toBe('x402_not_enabled');
    expect(x402Rule({ ...x402, x402Assets: undefined })).toBe('x402_assets');
    expect(x402Rule(x402, { asset: 'eip155:1/erc20:0xabc' })).toBe('x402_assets');
    expect(violationOf(() => checkX402Rules(x402, { ...facts, asset: 'eip155:1/erc20:0xdef' }, now))).toMatchObject({
      message: 'The agent may not pay in eip155:1/erc20:0xdef',
      details: { asset: 'eip155:1/erc20:0xdef' },
    });
  });

  it('when payees are listed, then the payee passes as checksummed or lowercase, and no other', () => {
    expect(x402Rule({ ...x402, allowedCounterparties: [payTo] })).toBeUndefined();
    expect(x402Rule({ ...x402, allowedCounterparties: [payTo.toLowerCase()] })).toBeUndefined();
    const elsewhere = { ...x402, allowedCounterparties: ['0x0000000000000000000000000000000000000002'] };
    expect(violationOf(() => checkX402Rules(elsewhere, facts, now))).toMatchObject({
      rule: 'allowed_counterparties',
      message: 'The payee is not among the counterparties the agent may pay',
    });
  });

  it('when the amount is exactly the per-request maximum, then it passes; one base unit more is refused with the limit', () => {
    const capped = { ...x402, x402MaxPerRequest: 10_000n };
    expect(x402Rule(capped)).toBeUndefined();
    expect(violationOf(() => checkX402Rules(capped, { ...facts, amount: 10_001n }, now))).toMatchObject({
      rule: 'x402_max_per_request',
      message: 'The amount is above the per-request maximum',
      details: { limit: '10000' },
    });
  });

  it('when the policy has not started or has ended, then x402 payments are refused as every payment is', () => {
    expect(x402Rule({ ...x402, notBefore: now })).toBeUndefined();
    expect(x402Rule({ ...x402, notBefore: new Date(now.getTime() + 1) })).toBe('not_before');
    expect(x402Rule({ ...x402, expiresAt: new Date(now.getTime() + 1) })).toBeUndefined();
    expect(x402Rule({ ...x402, expiresAt: now })).toBe('expires_at');
    expect(violationOf(() => checkX402Rules({ ...x402, expiresAt: now }, facts, now))?.message).toBe("The agent's policy has expired");
    expect(violationOf(() => checkX402Rules({ ...x402, notBefore: new Date(now.getTime() + 1) }, facts, now))?.message).toBe(
      'The agent may not pay before its policy starts',
    );
    expect(violationOf(() => checkX402Rules(base, facts, now))?.message).toBe("The agent's policy names no chain wallet to pay x402 from");
  });
});
