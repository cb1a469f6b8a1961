import fc from 'fast-check';
import { CURRENCY_EXPONENTS, currencyExponent, isSupportedCurrency } from '../../../src/shared/money/currencies';
import {
  AMOUNT_FORMAT,
  AMOUNT_MAX_MINOR,
  BALANCE_SOFT_MAX_MINOR,
  BIGINT_MAX,
  currencyCode,
  decimalToMinor,
  minorToDecimal,
  nonNegativeAmount,
  positiveAmount,
  signedAmount,
} from '../../../src/shared/money/money';
import type { z } from 'zod';

/** The value a schema gives, or the messages of its issues. */
function parsed(schema: z.ZodType, input: unknown): { value: unknown } | { issues: string[] } {
  const result = schema.safeParse(input);
  return result.success ? { value: result.data } : { issues: result.error.issues.map((issue) => issue.message) };
}

const MAX = AMOUNT_MAX_MINOR.toString();
const OVER_MAX = (AMOUNT_MAX_MINOR + 1n).toString();

describe('money limits', () => {
  it('when the limits are read, then they are 2^63 − 1, 10^15 and 2^62 minor units', () => {
    expect(BIGINT_MAX).toBe(9_223_372_036_854_775_807n);
    expect(AMOUNT_MAX_MINOR).toBe(1_000_000_000_000_000n);
    expect(BALANCE_SOFT_MAX_MINOR).toBe(4_611_686_018_427_387_904n);
  });

  it('when the amount format is described, then it names strings of digits and the maximum', () => {
    expect(AMOUNT_FORMAT).toBe('minor units as a string of digits (a JSON number is refused), at most 1000000000000000');
  });
});

describe('currencies', () => {
  it('when a currency is listed, then its exponent is its ISO 4217 minor unit (USD 2, JPY 0, KWD 3)', () => {
    expect(currencyExponent('USD')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('KWD')).toBe(3);
    expect(isSupportedCurrency('EUR')).toBe(true);
  });

  it('when a code is not listed, or is a property every object has, then it is not supported and has no exponent', () => {
    for (const code of ['XXX', 'usd', '', 'toString', 'constructor', '__proto__']) {
      expect(isSupportedCurrency(code)).toBe(false);
    }
    expect(() => currencyExponent('XXX')).toThrow('Unsupported currency XXX');
    expect(() => currencyExponent('toString')).toThrow('Unsupported currency toString');
  });

  it('when someone tries to change the table, then it stays as shipped', () => {
    expect(Object.isFrozen(CURRENCY_EXPONENTS)).toBe(true);
  });
});

describe('decimalToMinor', () => {
  it('when a decimal has as many places as the currency or fewer, then it is exact minor units', () => {
    expect(decimalToMinor('10.50', 'USD')).toBe(1050n);
    expect(decimalToMinor('10.5', 'USD')).toBe(1050n);
    expect(decimalToMinor('10', 'USD')).toBe(1000n);
    expect(decimalToMinor('0.01', 'USD')).toBe(1n);
    expect(decimalToMinor('0', 'USD')).toBe(0n);
    expect(decimalToMinor('1050', 'JPY')).toBe(1050n);
    expect(decimalToMinor('1.234', 'KWD')).toBe(1234n);
    expect(decimalToMinor('1.2', 'KWD')).toBe(1200n);
  });

  it('when a decimal has more places than the currency, then it is refused, never rounded', () => {
    expect(() => decimalToMinor('10.505', 'USD')).toThrow('USD has 2 decimal places; 10.505 has 3');
    expect(() => decimalToMinor('10.500', 'USD')).toThrow(RangeError);
    expect(() => decimalToMinor('10.5', 'JPY')).toThrow('JPY has 0 decimal places; 10.5 has 1');
    expect(() => decimalToMinor('1.2345', 'KWD')).toThrow(RangeError);
  });

  it('when the amount is exactly the maximum, then it passes; one minor unit more is refused', () => {
    expect(decimalToMinor('10000000000000.00', 'USD')).toBe(AMOUNT_MAX_MINOR);
    expect(decimalToMinor('1000000000000000', 'JPY')).toBe(AMOUNT_MAX_MINOR);
    expect(() => decimalToMinor('10000000000000.01', 'USD')).toThrow('amount is above the maximum of 1000000000000000 minor units');
    expect(() => decimalToMinor('1000000000000001', 'JPY')).toThrow(RangeError);
  });

  it('when the text is not a plain non-negative decimal, then it is refused', () => {
    for (const bad of ['-1', '-0.01', '+1', '01', '00.5', '1.', '.5', '1e3', '1,5', ' 1', '1 ', 'x1', '1x', '', '1.5.0']) {
      expect(() => decimalToMinor(bad, 'USD')).toThrow('amount must be a non-negative decimal number');
    }
  });

  it('when the currency is not supported, then the decimal is refused', () => {
    expect(() => decimalToMinor('1', 'XXX')).toThrow('Unsupported currency XXX');
  });
});

describe('minorToDecimal', () => {
  it('when minor units are written, then they have exactly the currency exponent of decimals', () => {
    expect(minorToDecimal(1050n, 'USD')).toBe('10.50');
    expect(minorToDecimal(5n, 'USD')).toBe('0.05');
    expect(minorToDecimal(0n, 'USD')).toBe('0.00');
    expect(minorToDecimal(1050n, 'JPY')).toBe('1050');
    expect(minorToDecimal(0n, 'JPY')).toBe('0');
    expect(minorToDecimal(1n, 'KWD')).toBe('0.001');
    expect(minorToDecimal(AMOUNT_MAX_MINOR, 'USD')).toBe('10000000000000.00');
  });

  it('when minor units are negative, then the sign leads and the digits are those of the amount', () => {
    expect(minorToDecimal(-1050n, 'USD')).toBe('-10.50');
    expect(minorToDecimal(-5n, 'USD')).toBe('-0.05');
    expect(minorToDecimal(-7n, 'JPY')).toBe('-7');
    expect(minorToDecimal(-1n, 'KWD')).toBe('-0.001');
  });

  it('when any amount up to the maximum is written and read back, then it is the same amount', () => {
    const currencies = fc.constantFrom('USD', 'JPY', 'KWD');
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: AMOUNT_MAX_MINOR }), currencies, (minor, currency) => {
        expect(decimalToMinor(minorToDecimal(minor, currency), currency)).toBe(minor);
      }),
      { numRuns: 200 },
    );
  });
});

describe('positiveAmount', () => {
  it('when the text is 1 or the maximum, then it is that many minor units', () => {
    expect(parsed(positiveAmount, '1')).toEqual({ value: 1n });
    expect(parsed(positiveAmount, '1050')).toEqual({ value: 1050n });
    expect(parsed(positiveAmount, MAX)).toEqual({ value: AMOUNT_MAX_MINOR });
  });

  it('when the amount is zero or one over the maximum, then it is refused with the range', () => {
    expect(parsed(positiveAmount, '0')).toEqual({ issues: ['must be between 1 and 1000000000000000'] });
    expect(parsed(positiveAmount, OVER_MAX)).toEqual({ issues: ['must be between 1 and 1000000000000000'] });
  });

  it('when the text is not a whole number of minor units, then it is refused as such', () => {
    for (const bad of ['-1', '10.50', '01', '1e3', ' 1', 'x1', '1x', '']) {
      expect(parsed(positiveAmount, bad)).toEqual({ issues: ['must be a whole number of minor units, e.g. "1050" for 10.50'] });
    }
  });

  it('when the amount is a JSON number, then it is refused and told to be a string', () => {
    expect(parsed(positiveAmount, 1050)).toEqual({ issues: ['must be a string of minor units, e.g. "1050", not a JSON number'] });
  });

  it('when the text is longer than 20 characters, then it is refused before it is read', () => {
    expect(parsed(positiveAmount, '1'.repeat(20))).toEqual({ issues: ['must be between 1 and 1000000000000000'] });
    expect(parsed(positiveAmount, '1'.repeat(21))).toEqual({ issues: ['must be a string of minor units, e.g. "1050", not a JSON number'] });
  });
});

describe('nonNegativeAmount', () => {
  it('when the text is 0 or the maximum, then it is that many minor units', () => {
    expect(parsed(nonNegativeAmount, '0')).toEqual({ value: 0n });
    expect(parsed(nonNegativeAmount, '500')).toEqual({ value: 500n });
    expect(parsed(nonNegativeAmount, MAX)).toEqual({ value: AMOUNT_MAX_MINOR });
  });

  it('when the amount is one over the maximum, negative or not digits, then it is refused with the range', () => {
    for (const bad of [OVER_MAX, '-1', '00', '1.5', 'x0', '0x', '']) {
      expect(parsed(nonNegativeAmount, bad)).toEqual({ issues: ['must be a whole number of minor units between 0 and 1000000000000000'] });
    }
  });
});

describe('signedAmount', () => {
  it('when the text is a debit or a credit up to the maximum either way, then it is that signed amount', () => {
    expect(parsed(signedAmount, '-500')).toEqual({ value: -500n });
    expect(parsed(signedAmount, '500')).toEqual({ value: 500n });
    expect(parsed(signedAmount, MAX)).toEqual({ value: AMOUNT_MAX_MINOR });
    expect(parsed(signedAmount, `-${MAX}`)).toEqual({ value: -AMOUNT_MAX_MINOR });
  });

  it('when the amount is zero, one past the maximum either way, or not digits, then it is refused', () => {
    const message = 'must be a non-zero whole number of minor units between -1000000000000000 and 1000000000000000, e.g. "-500"';
    for (const bad of ['0', '-0', OVER_MAX, `-${OVER_MAX}`, '+5', '--5', '-05', '5-', 'x-5', '-5x', '1.5', '']) {
      expect(parsed(signedAmount, bad)).toEqual({ issues: [message] });
    }
  });
});

describe('currencyCode', () => {
  it('when the code is a supported ISO 4217 code in capitals, then it passes', () => {
    expect(parsed(currencyCode, 'USD')).toEqual({ value: 'USD' });
  });

  it('when the code is not three capitals, then it is refused with the format; when unknown, as unsupported', () => {
    for (const bad of ['usd', 'US', 'USDX', 'xUSD', 'USDx']) {
      expect(parsed(currencyCode, bad)).toEqual({ issues: expect.arrayContaining(['must be an ISO 4217 code in capitals, e.g. "USD"']) });
    }
    expect(parsed(currencyCode, 'XXX')).toEqual({ issues: ['is not a supported currency'] });
  });
});
