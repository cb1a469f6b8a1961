import { CURRENCY_EXPONENTS } from './generated/facts.js';

/** An amount as the API carries it: minor units as a string of digits, and its currency. */
export interface Money {
  amount: string;
  currency: string;
}

/**
 * "10.50 USD" (or "10.50" and a currency) in minor units, exactly: no floating point, and more
 * decimals than the currency has is an error rather than a rounding (JPY 0, USD 2, KWD 3).
 */
export function parseAmount(text: string, currency?: string): Money {
  const match = /^\s*(\d+)(?:\.(\d+))?\s*([A-Za-z]{3})?\s*$/.exec(text);
  const code = (match?.[3] ?? currency ?? '').toUpperCase();
  if (!match) throw new RangeError(`"${text}" is not an amount: write it like 10.50 USD`);
  if (match[3] && currency && match[3].toUpperCase() !== currency.toUpperCase()) throw new RangeError(`"${text}" is not in ${currency}`);
  const exponent = CURRENCY_EXPONENTS[code];
  if (exponent === undefined) throw new RangeError(code ? `${code} is not a currency OCP accepts` : `"${text}" has no currency`);
  const decimals = match[2] ?? '';
  if (decimals.length > exponent) throw new RangeError(`${code} has ${exponent} decimal${exponent === 1 ? '' : 's'}: "${text}" has more`);
  const minor = BigInt(match[1] as string) * 10n ** BigInt(exponent) + BigInt(decimals.padEnd(exponent, '0') || '0');
  return { amount: minor.toString(), currency: code };
}

/** Minor units back to a decimal text, exactly: formatAmount({ amount: '1050', currency: 'USD' }) is "10.50 USD". */
export function formatAmount({ amount, currency }: Money): string {
  const exponent = CURRENCY_EXPONENTS[currency.toUpperCase()] ?? 2;
  const negative = amount.startsWith('-');
  const digits = (negative ? amount.slice(1) : amount).padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = exponent > 0 ? `.${digits.slice(digits.length - exponent)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction} ${currency}`;
}
