import { z } from 'zod';

/**
 * The instants OCP accepts: years 0001 to 9999, which ISO 8601's four-digit years, JavaScript's Date
 * and PostgreSQL's timestamptz all represent the same way. Year 0000, expanded years (+275760) and
 * BC dates are refused at the edge instead of failing in the database.
 */
// Date.UTC maps years 0 to 99 to 1900 + year, so the lower bound is parsed from its ISO form.
export const INSTANT_MIN_MS = Date.parse('0001-01-01T00:00:00.000Z');
export const INSTANT_MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export function isInstantInRange(date: Date): boolean {
  const ms = date.getTime();
  return Number.isFinite(ms) && ms >= INSTANT_MIN_MS && ms <= INSTANT_MAX_MS;
}

/** An ISO 8601 date-time with an offset ("2026-01-31T12:00:00Z"), a real calendar date in range; as a string. */
export const isoInstantString = z.iso
  // abort: the range check below only makes sense for a well-formed date (one message per field).
  .datetime({ offset: true, abort: true })
  .refine((s) => isInstantInRange(new Date(s)), { message: 'must be a date between 0001-01-01 and 9999-12-31' });

/** The same, parsed to a Date. */
export const isoInstant = isoInstantString.transform((s) => new Date(s));
