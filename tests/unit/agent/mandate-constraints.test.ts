import {
  CONSTRAINT_NAMES,
  checkConstraints,
  constraintsInput,
  MandateRefused,
  type MandatePayment,
} from '../../../src/modules/agent/mandate/mandate.constraints';
import { mandateClaims } from '../../../src/modules/agent/mandate/mandate.intent';
import { ValidationFailed } from '../../../src/shared/errors';
import { AMOUNT_MAX_MINOR } from '../../../src/shared/money/money';

const now = new Date('2026-04-08T12:00:00.000Z');
const payment: MandatePayment = { amount: 100n, currency: 'USD', counterparties: ['wal_payee', 'agt_payee'] };

/** The refusal, as the API answers it: code, message, details; undefined when the payment passes. */
function refusalOf(
  raw: Record<string, unknown>,
  p: Partial<MandatePayment> = {},
  mandate: { currency?: string | undefined; at?: Date; spent?: bigint } = {},
): { code: string; message: string; details: unknown } | undefined {
  const { at = now, spent = 0n } = mandate;
  // The mandate's currency: USD unless the test gives one, undefined included (a mandate for any currency).
  const currency = 'currency' in mandate ? mandate.currency : 'USD';
  try {
    checkConstraints(raw, currency, { ...payment, ...p }, at, spent);
    return undefined;
  } catch (error) {
    // Malformed constraints are the caller's bad input (400); a payment outside them is a refusal (403).
    if (error instanceof ValidationFailed) return { code: error.code, message: error.message, details: error.details };
    if (!(error instanceof MandateRefused)) throw error;
    expect(error.kind).toBe('policy_violation');
    return { code: error.code, message: error.message, details: error.details };
  }
}

const failedOn = (constraint: string) => ({ code: 'mandate_constraint_failed', details: { constraint } });

describe('mandate constraints', () => {
  it('when the mandate has no constraints, then any payment in its currency passes', () => {
    expect(refusalOf({})).toBeUndefined();
    expect(refusalOf({}, { amount: AMOUNT_MAX_MINOR }, { spent: AMOUNT_MAX_MINOR })).toBeUndefined();
  });

  it('when the constraints are read, then they are the four AP2 open-mandate constraints', () => {
    expect(CONSTRAINT_NAMES).toEqual(['amount_range', 'budget', 'allowed_payees', 'execution_date']);
  });

  it('when a constraint name is unknown, then the mandate is refused naming every unknown one, never ignoring it', () => {
    expect(refusalOf({ max_velocity: 1, budget: '100', geo: 'EU' })).toEqual({
      code: 'mandate_constraint_unknown',
      message: 'Unknown mandate constraint: max_velocity, geo',
      details: { constraints: ['max_velocity', 'geo'] },
    });
  });

  it('when a known constraint is malformed, then the mandate is refused as malformed', () => {
    for (const raw of [
      { budget: 100 },
      { budget: '-1' },
      { budget: '01' },
      { amount_range: { min: '1', extra: '2' } },
      { allowed_payees: [] },
      { allowed_payees: [''] },
      { execution_date: { not_before: 'tomorrow' } },
    ]) {
      expect(refusalOf(raw)).toEqual({ code: 'mandate_malformed', message: 'The mandate constraints are malformed', details: undefined });
    }
  });

  it('when the mandate names a currency, then only payments in it pass; a mandate without one takes any', () => {
    expect(refusalOf({}, { currency: 'EUR' })).toMatchObject({ ...failedOn('currency'), message: 'The mandate is for USD only' });
    expect(refusalOf({}, { currency: 'EUR' }, { currency: undefined })).toBeUndefined();
    expect(refusalOf({}, { currency: 'EUR' }, { currency: '' })).toBeUndefined();
  });

  it('when the amount is exactly the minimum or the maximum, then it passes; one minor unit outside is refused', () => {
    const range = { amount_range: { min: '100', max: '500' } };
    expect(refusalOf(range, { amount: 100n })).toBeUndefined();
    expect(refusalOf(range, { amount: 500n })).toBeUndefined();
    expect(refusalOf(range, { amount: 99n })).toMatchObject({
      ...failedOn('amount_range'),
      message: 'The amount is below the mandate minimum',
    });
    expect(refusalOf(range, { amount: 501n })).toMatchObject({
      ...failedOn('amount_range'),
      message: 'The amount is above the mandate maximum',
    });
  });

  it('when only one end of the amount range is given, then the other end does not apply', () => {
    expect(refusalOf({ amount_range: { min: '100' } }, { amount: AMOUNT_MAX_MINOR })).toBeUndefined();
    expect(refusalOf({ amount_range: { max: '500' } }, { amount: 1n })).toBeUndefined();
    expect(refusalOf({ amount_range: {} }, { amount: 1n })).toBeUndefined();
  });

  it('when any one name of the payee is allowed, then the payment passes; when none is, it is refused', () => {
    expect(refusalOf({ allowed_payees: ['merchant_x', 'agt_payee'] })).toBeUndefined();
    expect(refusalOf({ allowed_payees: ['merchant_x'] })).toMatchObject({
      ...failedOn('allowed_payees'),
      message: 'The payee is not allowed by the mandate',
    });
  });

  it('when the payment is exactly at either end of the execution window, then it passes; a millisecond outside is refused', () => {
    const window = { execution_date: { not_before: '2026-04-08T12:00:00.000Z', not_after: '2026-04-09T12:00:00.000Z' } };
    const at = (iso: string) => refusalOf(window, {}, { at: new Date(iso) });
    expect(at('2026-04-08T12:00:00.000Z')).toBeUndefined();
    expect(at('2026-04-09T12:00:00.000Z')).toBeUndefined();
    const refused = { ...failedOn('execution_date'), message: 'The mandate does not allow a payment at this date' };
    expect(at('2026-04-08T11:59:59.999Z')).toMatchObject(refused);
    expect(at('2026-04-09T12:00:00.001Z')).toMatchObject(refused);
  });

  it('when the execution window is open at one end, then only the given end applies', () => {
    expect(
      refusalOf({ execution_date: { not_before: '2026-04-08T00:00:00Z' } }, {}, { at: new Date('9999-01-01T00:00:00Z') }),
    ).toBeUndefined();
    expect(
      refusalOf({ execution_date: { not_after: '2026-04-09T00:00:00Z' } }, {}, { at: new Date('0001-01-01T00:00:00Z') }),
    ).toBeUndefined();
  });

  it('when the payment lands exactly on the budget, then it passes; one minor unit more is refused with what remains', () => {
    expect(refusalOf({ budget: '1000' }, { amount: 100n }, { spent: 900n })).toBeUndefined();
    expect(refusalOf({ budget: '1000' }, { amount: 101n }, { spent: 900n })).toEqual({
      code: 'mandate_exhausted',
      message: "The mandate's budget is used up",
      details: { remaining: '100' },
    });
  });

  it('when the budget is used up, or overspent, then what remains is 0, never negative', () => {
    expect(refusalOf({ budget: '1000' }, { amount: 1n }, { spent: 1000n })).toMatchObject({ details: { remaining: '0' } });
    expect(refusalOf({ budget: '1000' }, { amount: 1n }, { spent: 1500n })).toMatchObject({ details: { remaining: '0' } });
    expect(refusalOf({ budget: '0' }, { amount: 1n })).toMatchObject({ code: 'mandate_exhausted', details: { remaining: '0' } });
  });

  it('when several constraints fail, then the currency is reported first, then the amount, payee, date and budget', () => {
    const all = {
      amount_range: { max: '10' },
      allowed_payees: ['merchant_x'],
      execution_date: { not_after: '2026-01-01T00:00:00Z' },
      budget: '1',
    };
    expect(refusalOf(all, { currency: 'EUR' })).toMatchObject(failedOn('currency'));
    expect(refusalOf(all)).toMatchObject(failedOn('amount_range'));
    expect(refusalOf({ ...all, amount_range: {} })).toMatchObject(failedOn('allowed_payees'));
    expect(refusalOf({ ...all, amount_range: {}, allowed_payees: ['wal_payee'] })).toMatchObject(failedOn('execution_date'));
    expect(refusalOf({ budget: '1' })).toMatchObject({ code: 'mandate_exhausted' });
  });
});

describe('mandate constraint amounts', () => {
  const budget = (text: unknown) => constraintsInput.safeParse({ budget: text });
  const issues = (text: unknown) => {
    const result = budget(text);
    return result.success ? [] : result.error.issues.map((issue) => issue.message);
  };

  it('when an amount is 0 or exactly the maximum, then it is accepted as signed text', () => {
    expect(budget('0').data).toEqual({ budget: '0' });
    expect(budget(AMOUNT_MAX_MINOR.toString()).data).toEqual({ budget: '1000000000000000' });
  });

  it('when an amount is one over the maximum, or 16 nines, then it is refused as above the maximum', () => {
    for (const text of [(AMOUNT_MAX_MINOR + 1n).toString(), '9999999999999999']) {
      expect(issues(text)).toEqual(['must be at most 1000000000000000 minor units']);
    }
  });

  it('when an amount is not a string of at most 16 digits, then it is refused as not minor units', () => {
    for (const text of ['-1', '01', '1.5', '1e3', ' 1', 'x1', '1x', '', '10000000000000000']) {
      expect(issues(text)).toEqual(['must be a string of minor units, e.g. "1050"']);
    }
  });
});

describe('mandate claims', () => {
  const claims = {
    iss: 'usr_owner',
    sub: 'agt_payer',
    jti: 'mnd_1',
    iat: 1_775_000_000,
    exp: 1_775_003_600,
    mandate_type: 'open_payment',
    currency: 'USD',
    constraints: { budget: '100' },
  };

  it('when the claims are an open payment mandate, then they parse', () => {
    expect(mandateClaims.parse(claims)).toEqual(claims);
    const { currency: _currency, ...withoutCurrency } = claims;
    expect(mandateClaims.safeParse(withoutCurrency).success).toBe(true);
  });

  it('when the type is not open_payment or the id is empty or too long, then they are refused', () => {
    expect(mandateClaims.safeParse({ ...claims, mandate_type: 'closed_payment' }).success).toBe(false);
    expect(mandateClaims.safeParse({ ...claims, jti: '' }).success).toBe(false);
    expect(mandateClaims.safeParse({ ...claims, jti: 'j'.repeat(128) }).success).toBe(true);
    expect(mandateClaims.safeParse({ ...claims, jti: 'j'.repeat(129) }).success).toBe(false);
  });
});
