import { z } from 'zod';
import { currencyExponent, isSupportedCurrency } from './currencies';

/** The largest value a BIGINT column holds: 2^63 − 1. No balance, of any account, may leave ±BIGINT_MAX. */
export const BIGINT_MAX = 2n ** 63n - 1n;

/**
 * The largest amount one operation may move, in minor units (10^15: ten trillion dollars in cents).
 * Every money field of the API (transfers, refunds, adjustments, fundings, thresholds, top-ups,
 * budgets, mandates) is bounded by it, so a sum of a few amounts can never overflow a BIGINT.
 */
export const AMOUNT_MAX_MINOR = 10n ** 15n;

/**
 * The balance (either sign) an account may reach through money that enters from outside: a card
 * charge is only made if the credit it pays for keeps the wallet and its funding account within
 * ±BALANCE_SOFT_MAX_MINOR. The 2^62 between it and BIGINT_MAX absorbs fundings that passed that
 * check at the same time (over 4,000 of the largest amount), so a credit owed for a card already
 * charged is never refused for range; the posting itself still refuses anything past BIGINT_MAX.
 */
export const BALANCE_SOFT_MAX_MINOR = 2n ** 62n;

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
  if (minor > AMOUNT_MAX_MINOR) throw new RangeError(`amount is above the maximum of ${AMOUNT_MAX_MINOR} minor units`);
  return minor;
}

/** Minor units as a decimal string: 1050n USD -> "10.50". */
export function minorToDecimal(minor: bigint, currency: string): string {
  const exponent = currencyExponent(currency);
  const sign = minor < 0n ? '-' : '';
  const digits = (minor < 0n ? -minor : minor).toString().padStart(exponent + 1, '0');
  return exponent === 0 ? sign + digits : `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

const AMOUNT_TEXT_MAX = 20;

/**
 * Amounts travel as strings of digits, never as JSON numbers: a JavaScript client silently rounds
 * a number past 2^53, so a number is refused (400, the issue's path names the field) rather than
 * trusted to be what the sender meant.
 */
const amountText = z.string({ error: 'must be a string of minor units, e.g. "1050", not a JSON number' }).max(AMOUNT_TEXT_MAX);

const RANGE = `${AMOUNT_MAX_MINOR}`;

/** How every amount field is written, for the OpenAPI descriptions of fields that add their own words. */
export const AMOUNT_FORMAT = `minor units as a string of digits (a JSON number is refused), at most ${RANGE}`;

/** zod schema: a positive amount in minor units, a string of digits, to bigint (1 .. AMOUNT_MAX_MINOR). */
export const positiveAmount = amountText
  .transform((text, ctx) => {
    if (!DIGITS.test(text)) {
      ctx.addIssue({ code: 'custom', message: 'must be a whole number of minor units, e.g. "1050" for 10.50' });
      return z.NEVER;
    }
    const amount = BigInt(text);
    if (amount <= 0n || amount > AMOUNT_MAX_MINOR) {
      ctx.addIssue({ code: 'custom', message: `must be between 1 and ${RANGE}` });
      return z.NEVER;
    }
    return amount;
  })
  .meta({
    type: 'string',
    description: `Amount in minor units (cents), as a string of digits (a JSON number is refused); at most ${RANGE}`,
    example: '1050',
  });

/** zod schema: zero or a positive amount in minor units (thresholds), at most AMOUNT_MAX_MINOR. */
export const nonNegativeAmount = amountText
  .transform((text, ctx) => {
    const amount = DIGITS.test(text) ? BigInt(text) : undefined;
    if (amount === undefined || amount > AMOUNT_MAX_MINOR) {
      ctx.addIssue({ code: 'custom', message: `must be a whole number of minor units between 0 and ${RANGE}` });
      return z.NEVER;
    }
    return amount;
  })
  .meta({ type: 'string', description: `Minor units, as a string of digits (a JSON number is refused); at most ${RANGE}`, example: '500' });

/** zod schema: a non-zero signed amount in minor units ("-500" debits, "500" credits), |amount| <= AMOUNT_MAX_MINOR. */
export const signedAmount = amountText
  .transform((text, ctx) => {
    const amount = SIGNED_DIGITS.test(text) ? BigInt(text) : undefined;
    if (amount === undefined || amount === 0n || amount > AMOUNT_MAX_MINOR || amount < -AMOUNT_MAX_MINOR) {
      ctx.addIssue({
        code: 'custom',
        message: `must be a non-zero whole number of minor units between -${RANGE} and ${RANGE}, e.g. "-500"`,
      });
      return z.NEVER;
    }
    return amount;
  })
  .meta({
    type: 'string',
    description: `Signed amount in minor units: positive credits, negative debits; a string, at most ${RANGE} either way`,
    example: '-500',
  });

export const currencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code in capitals, e.g. "USD"')
  .refine(isSupportedCurrency, 'is not a supported currency')
  .meta({ example: 'USD' });
