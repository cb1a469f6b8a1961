import { z } from 'zod';

const DECIMAL_DIGITS = /^\d{1,16}$/;

/**
 * A whole number from a query string, in decimal digits only. z.coerce would read "1e1", "0x10",
 * " 5", "5.0" and a repeated parameter's array as numbers; here each is a 400 naming the field.
 * The roads that reuse the query schemas with typed arguments (GraphQL, MCP) pass numbers.
 */
export function queryInt(min: number, max: number) {
  return z.preprocess((value, ctx) => {
    if (typeof value === 'string' && DECIMAL_DIGITS.test(value)) return Number(value);
    if (typeof value === 'string' || Array.isArray(value)) {
      ctx.addIssue({ code: 'custom', message: 'must be a whole number in decimal digits', input: value });
    }
    return value;
  }, z.number().int().min(min).max(max));
}
