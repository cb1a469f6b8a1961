import { z } from 'zod';
import { isoInstantString } from '../../../shared/instant';
import { currencyCode } from '../../../shared/money/money';
import { MandateRefused, minorUnits, openPaymentClaims, registeredClaims } from './mandate.constraints';

/**
 * AP2's IntentMandate as OCP reads it: the owner's "what my agent may buy" signed as a mandate
 * (`mandate_type: "intent"`), with an amount ceiling OCP can enforce. It is mapped onto the same
 * constraint form as an open payment mandate, so one check, one budget lock and one expiry rule
 * serve both.
 */
export const intentInput = z
  .object({
    natural_language_description: z.string().min(1).max(1000).meta({ description: "The user's intent in their words" }),
    merchants: z
      .array(z.string().min(1).max(128))
      .min(1)
      .max(100)
      .optional()
      .meta({ description: 'OCP merchant ids (or agent/wallet ids) the agent may pay; any payee when absent' }),
    skus: z
      .array(z.string().min(1).max(128))
      .min(1)
      .max(100)
      .optional()
      .meta({ description: 'Refused for now: a payment carries no line items OCP could check them against' }),
    user_cart_confirmation_required: z.boolean().meta({ description: 'true: every payment waits for the owner (pending_approval)' }),
    intent_expiry: isoInstantString,
    requires_refundability: z.boolean().optional().meta({ description: 'Only false (or absent): OCP payments are not refundable' }),
    max_amount: z
      .object({ currency: currencyCode, value: minorUnits })
      .strict()
      .meta({ description: 'Ceiling of each payment and of all payments under the mandate together, in minor units' }),
  })
  .strict()
  .meta({ id: 'IntentMandate' });
export type IntentInput = z.infer<typeof intentInput>;

/** The constraints, currency and expiry an intent stands for: the open payment mandate's form. */
export function intentTerms(intent: IntentInput, exp: number) {
  // Stated so, not ignored: a constraint OCP cannot check is a refusal (as unknown constraints are).
  const uncheckable = [...(intent.skus ? ['skus'] : []), ...(intent.requires_refundability ? ['requires_refundability'] : [])];
  if (uncheckable.length > 0) {
    throw new MandateRefused('mandate_constraint_unknown', `OCP cannot enforce: ${uncheckable.join(', ')}`, { constraints: uncheckable });
  }
  return {
    currency: intent.max_amount.currency,
    constraints: {
      amount_range: { max: intent.max_amount.value },
      budget: intent.max_amount.value,
      ...(intent.merchants ? { allowed_payees: intent.merchants } : {}),
    },
    // The earlier of the JWT's exp and the intent's own expiry.
    exp: Math.min(exp, Math.floor(new Date(intent.intent_expiry).getTime() / 1000)),
    confirmationRequired: intent.user_cart_confirmation_required,
  };
}

/** An intent mandate's claims: the registered ones, then the intent itself; nothing else. */
export const intentClaims = z.object({ ...registeredClaims, mandate_type: z.literal('intent'), ...intentInput.shape }).strict();

/** The claims of either kind of owner mandate. */
export const mandateClaims = z.discriminatedUnion('mandate_type', [openPaymentClaims, intentClaims]);
export type MandateClaims = z.infer<typeof mandateClaims>;

/** Both kinds in one form: what the payment is checked against. */
export interface MandateTerms {
  iss: string;
  sub: string;
  jti: string;
  /** Unix seconds after which the mandate is refused as expired. */
  exp: number;
  currency?: string;
  /** Raw, checked by name (an open payment mandate's as signed; an intent's as mapped). */
  constraints: Record<string, unknown>;
  /** The owner must approve each payment (AP2 user_cart_confirmation_required). */
  confirmationRequired: boolean;
}

/** Errors: mandate_constraint_unknown (an intent asking for what OCP cannot check). */
export function mandateTerms(c: MandateClaims): MandateTerms {
  const { iss, sub, jti } = c;
  if (c.mandate_type === 'open_payment') {
    return {
      iss,
      sub,
      jti,
      exp: c.exp,
      constraints: c.constraints,
      confirmationRequired: false,
      ...(c.currency ? { currency: c.currency } : {}),
    };
  }
  return { iss, sub, jti, ...intentTerms(c, c.exp) };
}
