import { formatAmount, parseAmount } from '@ocp/sdk';
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { CURRENCY_EXPONENTS } from '../../../src/shared/money/currencies';

describe('parseAmount', () => {
  test.each([
    ['10.50 USD', undefined, { amount: '1050', currency: 'USD' }],
    ['10.5 usd', undefined, { amount: '1050', currency: 'USD' }],
    ['10 USD', undefined, { amount: '1000', currency: 'USD' }],
    ['0.01', 'USD', { amount: '1', currency: 'USD' }],
    ['1500 JPY', undefined, { amount: '1500', currency: 'JPY' }],
    ['1.234 KWD', undefined, { amount: '1234', currency: 'KWD' }],
    ['9999999999999.99 USD', undefined, { amount: '999999999999999', currency: 'USD' }],
    ['0.1 USD', undefined, { amount: '10', currency: 'USD' }], // no binary floating point on the way
  ])('%s (%s) is %o', (text, currency, expected) => {
    expect(parseAmount(text, currency)).toEqual(expected);
  });

  test.each([
    ['10.505 USD', /2 decimals/],
    ['1.5 JPY', /0 decimals/],
    ['10 XYZ', /not a currency/],
    ['10', /no currency/],
    ['-5 USD', /not an amount/],
    ['1e3 USD', /not an amount/],
    ['10,50 USD', /not an amount/],
    ['', /not an amount/],
  ])('refuses %s', (text, message) => {
    expect(() => parseAmount(text)).toThrow(message);
  });

  test('a currency in the text must agree with the one given', () => {
    expect(() => parseAmount('10 EUR', 'USD')).toThrow('not in USD');
  });
});

describe('formatAmount', () => {
  test.each([
    [{ amount: '1050', currency: 'USD' }, '10.50 USD'],
    [{ amount: '5', currency: 'USD' }, '0.05 USD'],
    [{ amount: '-1050', currency: 'USD' }, '-10.50 USD'],
    [{ amount: '1500', currency: 'JPY' }, '1500 JPY'],
    [{ amount: '1', currency: 'KWD' }, '0.001 KWD'],
  ])('%o is %s', (money, text) => {
    expect(formatAmount(money)).toBe(text);
  });

  test('formatting and parsing back gives the same minor units, in every currency', () => {
    const currencies = Object.keys(CURRENCY_EXPONENTS);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.constantFrom(...currencies), (minor, currency) => {
        const money = { amount: minor.toString(), currency };
        expect(parseAmount(formatAmount(money))).toEqual(money);
      }),
    );
  });
});
