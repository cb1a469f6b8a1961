import { z } from 'zod';
import { currencyExponent, isSupportedCurrency } from './currencies';

/** The largest amount a BIGINT column holds: 2^63 − 1 minor units. */
export const AMOUNT_MAX = 2n ** 63n - 1n;

const DIGITS = /^(0|[1-9][0-9]*)$/;
const SIGNED_DIGITS = /^-?(0|[1-9][0-9]*)$/;
const DECIMAL = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;

/**
 * A decimal amount ("10.50") in minor units for its currency (1050n for USD), exactly.
 * More decimals than the currency has is an error, never a rounding.
 */
export function decimalToMinor(decimal: string, currency: string): bigint {
  if (!DECIMAL.test(decimal)) throw new RangeError('amount must be a non-negative decimal number');
  const exponent = currencyExponent(currency);
  const [whole = '0', fraction = ''] = decimal.split('.');
  if (fraction.length > exponent) {
    throw new RangeError(`${currency} has ${exponent} decimal places; ${decimal} has ${fraction.length}`);
  }
  const minor = BigInt(whole + fraction.padEnd(exponent, '0'));
  if (minor > AMOUNT_MAX) throw new RangeError('amount is too large');
  return minor;
}

/** Minor units as a decimal string: 1050n USD -> "10.50". */
export function minorToDecimal(minor: bigint, currency: string): string {
  const exponent = currencyExponent(currency);
  const sign = minor < 0n ? '-' : '';
  const digits = (minor < 0n ? -minor : minor).toString().padStart(exponent + 1, '0');
  return exponent === 0 ? sign + digits : `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

const integerInput = z.union([
  z.string().max(20),
  z.number().refine(Number.isSafeInteger, 'must be an integer number of minor units'),
]);

/** zod schema: a positive amount in minor units, as a string of digits (or a safe integer), to bigint. */
export const positiveAmount = integerInput
  .transform((v, ctx) => {
    const text = String(v);
    if (!DIGITS.test(text)) {
      ctx.addIssue({ code: 'custom', message: 'must be a whole number of minor units, e.g. "1050" for 10.50' });
      return z.NEVER;
    }
    const amount = BigInt(text);
    if (amount <= 0n || amount > AMOUNT_MAX) {
      ctx.addIssue({ code: 'custom', message: 'must be between 1 and 9223372036854775807' });
      return z.NEVER;
    }
    return amount;
  })
  .meta({ description: 'Amount in minor units (cents), as a string of digits', example: '1050' });

/** zod schema: a non-zero signed amount in minor units ("-500" debits, "500" credits). */
export const signedAmount = integerInput
  .transform((v, ctx) => {
    const text = String(v);
    const amount = SIGNED_DIGITS.test(text) ? BigInt(text) : undefined;
    if (amount === undefined || amount === 0n || amount > AMOUNT_MAX || amount < -AMOUNT_MAX) {
      ctx.addIssue({ code: 'custom', message: 'must be a non-zero whole number of minor units, e.g. "-500"' });
      return z.NEVER;
    }
    return amount;
  })
  .meta({ description: 'Signed amount in minor units: positive credits, negative debits', example: '-500' });

export const currencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code in capitals, e.g. "USD"')
  .refine(isSupportedCurrency, 'is not a supported currency')
  .meta({ example: 'USD' });
