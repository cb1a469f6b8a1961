import { luhnValid } from '../../shared/luhn';
import { ValidationFailed } from '../../shared/errors';

export interface CardInput {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

/** A card that passed every local check, with its number normalised to digits only. */
export interface ValidCard extends CardInput {
  brand: CardBrand;
}

export type CardBrand = 'visa' | 'mastercard' | 'amex' | 'discover' | 'diners' | 'jcb' | 'unionpay' | 'unknown';

const BRANDS: readonly [CardBrand, RegExp][] = [
  ['amex', /^3[47]/],
  ['diners', /^3(0[0-5]|[689])/],
  ['jcb', /^35/],
  ['visa', /^4/],
  ['mastercard', /^(5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720))/],
  ['discover', /^(6011|65|64[4-9])/],
  ['unionpay', /^62/],
];

// Cards are issued for at most about 20 years ahead; a later year is a typo.
const EXPIRY_YEARS_AHEAD_MAX = 20;

export function cardBrand(number: string): CardBrand {
  return BRANDS.find(([, prefix]) => prefix.test(number))?.[0] ?? 'unknown';
}

/** True while the card can still be used: cards are valid through the last day of their month. */
export function notExpired(expMonth: number, expYear: number, now = new Date()): boolean {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth() + 1;
  return expYear > year || (expYear === year && expMonth >= month);
}

/**
 * Checks card data before it goes anywhere: Luhn, expiry, CVC length for the brand.
 * Messages name the field, never its value.
 * Errors: validation_failed (400) with `details.fields`.
 */
export function validateCard(input: CardInput, now = new Date()): ValidCard {
  const number = input.number.replace(/[ -]/g, '');
  const problems: { field: string; message: string }[] = [];
  const brand = cardBrand(number);
  if (!/^\d{12,19}$/.test(number)) problems.push({ field: 'number', message: 'must be 12 to 19 digits' });
  else if (!luhnValid(number)) problems.push({ field: 'number', message: 'is not a valid card number (Luhn check failed)' });
  const expYear = input.expYear < 100 ? 2000 + input.expYear : input.expYear;
  if (!Number.isInteger(input.expMonth) || input.expMonth < 1 || input.expMonth > 12) {
    problems.push({ field: 'expMonth', message: 'must be a month from 1 to 12' });
  } else if (!Number.isInteger(expYear) || !notExpired(input.expMonth, expYear, now)) {
    problems.push({ field: 'expYear', message: 'the card has expired' });
  } else if (expYear > now.getUTCFullYear() + EXPIRY_YEARS_AHEAD_MAX) {
    problems.push({ field: 'expYear', message: `must be within ${EXPIRY_YEARS_AHEAD_MAX} years` });
  }
  const cvcLength = brand === 'amex' ? 4 : 3;
  if (!new RegExp(`^\\d{${cvcLength}}$`).test(input.cvc)) {
    problems.push({ field: 'cvc', message: `must be ${cvcLength} digits` });
  }
  if (problems.length > 0) {
    const fields = problems.map((p) => ({ field: `body.data.${p.field}`, message: p.message }));
    throw new ValidationFailed(`Invalid card: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`, { fields }, 'invalid_card');
  }
  return { number, expMonth: input.expMonth, expYear, cvc: input.cvc, brand };
}
