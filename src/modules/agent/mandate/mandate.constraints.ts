import { z } from 'zod';
import type { CodeOf } from '../../../shared/error-catalogue';
import { AppError, ValidationFailed } from '../../../shared/errors';
import { isoInstantString } from '../../../shared/instant';
import { AMOUNT_MAX_MINOR } from '../../../shared/money/money';

/**
 * An open payment mandate's constraints (after AP2), as signed: amounts are strings of minor
 * units, dates RFC 3339. Any other constraint name is refused, never ignored.
 */
export const CONSTRAINT_NAMES = ['amount_range', 'budget', 'allowed_payees', 'execution_date'] as const;

// Checked as text, not transformed: the signed constraints are stored and compared as signed.
export const minorUnits = z
  .string()
  // abort: BigInt() below throws on anything that is not digits.
  .regex(/^(0|[1-9][0-9]{0,15})$/, { message: 'must be a string of minor units, e.g. "1050"', abort: true })
  .refine((text) => BigInt(text) <= AMOUNT_MAX_MINOR, `must be at most ${AMOUNT_MAX_MINOR} minor units`);
const instant = isoInstantString;

export const constraintsInput = z
  .object({
    amount_range: z.object({ min: minorUnits.optional(), max: minorUnits.optional() }).strict().optional(),
    budget: minorUnits.optional().meta({ description: 'Total that all payments under this mandate may add up to' }),
    allowed_payees: z.array(z.string().min(1).max(128)).min(1).max(100).optional(),
    execution_date: z.object({ not_before: instant.optional(), not_after: instant.optional() }).strict().optional(),
  })
  .strict()
  .meta({ id: 'MandateConstraints' });
export type ConstraintsInput = z.infer<typeof constraintsInput>;

export const registeredClaims = {
  iss: z.string(),
  sub: z.string(),
  jti: z.string().min(1).max(128),
  iat: z.number(),
  exp: z.number(),
};

/** An open payment mandate's claims; its constraints are checked by name in checkConstraints. */
export const openPaymentClaims = z.object({
  ...registeredClaims,
  mandate_type: z.literal('open_payment'),
  currency: z.string().optional(),
  constraints: z.record(z.string(), z.unknown()),
});

export interface MandatePayment {
  amount: bigint;
  currency: string;
  counterparties: string[];
}

/** Refusals of a mandate: 403 like other policy refusals, each with its own code. */
export class MandateRefused extends AppError {
  constructor(code: CodeOf<'policy_violation'>, message: string, details?: Record<string, unknown>) {
    super('policy_violation', code, message, details);
  }
}

const failed = (constraint: string, message: string) => new MandateRefused('mandate_constraint_failed', message, { constraint });

/**
 * Every constraint against the payment (the budget needs the spent amount, read under lock).
 * Errors: mandate_constraint_unknown, mandate_malformed, mandate_constraint_failed (details.constraint),
 * mandate_exhausted.
 */
export function checkConstraints(
  raw: Record<string, unknown>,
  currency: string | undefined,
  p: MandatePayment,
  now: Date,
  spent: bigint,
): void {
  const unknown = Object.keys(raw).filter((name) => !(CONSTRAINT_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new MandateRefused('mandate_constraint_unknown', `Unknown mandate constraint: ${unknown.join(', ')}`, { constraints: unknown });
  }
  const parsed = constraintsInput.safeParse(raw);
  if (!parsed.success) throw new ValidationFailed('The mandate constraints are malformed', undefined, 'mandate_malformed');
  const c = parsed.data;
  if (currency && currency !== p.currency) throw failed('currency', `The mandate is for ${currency} only`);
  if (c.amount_range?.min !== undefined && p.amount < BigInt(c.amount_range.min))
    throw failed('amount_range', 'The amount is below the mandate minimum');
  if (c.amount_range?.max !== undefined && p.amount > BigInt(c.amount_range.max))
    throw failed('amount_range', 'The amount is above the mandate maximum');
  if (c.allowed_payees && !p.counterparties.some((x) => c.allowed_payees!.includes(x))) {
    throw failed('allowed_payees', 'The payee is not allowed by the mandate');
  }
  const window = c.execution_date;
  if ((window?.not_before && now < new Date(window.not_before)) || (window?.not_after && now > new Date(window.not_after))) {
    throw failed('execution_date', 'The mandate does not allow a payment at this date');
  }
  if (c.budget !== undefined && spent + p.amount > BigInt(c.budget)) {
    throw new MandateRefused('mandate_exhausted', "The mandate's budget is used up", {
      remaining: (BigInt(c.budget) - spent > 0n ? BigInt(c.budget) - spent : 0n).toString(),
    });
  }
}
