import { z } from 'zod';
import { currencyCode, positiveAmount } from '../../shared/money/money';
import { PAGE_SIZE_MAX } from '../../shared/pagination';
import { agentPaymentFields } from '../../modules/agent';

// The tools' arguments and results. Arguments are snake_case, as MCP tools usually are; amounts are
// strings of digits in minor units, as everywhere in OCP's JSON. Results are plain objects (no
// registered ids), so each tool's JSON Schema stands alone in tools/list.

const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be an OCP id');
/** An idempotency_key argument, as the Idempotency-Key header of the REST API: `description` says what it makes happen once. */
export const idempotencyKeyArg = (description: string) =>
  z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, 'must be 1 to 255 printable ASCII characters')
    .meta({ description });

const minorUnits = z.string().meta({ description: 'Minor units, a string of digits (e.g. "1050" is 10.50 USD)' });

export const listTransactionsArgs = z
  .object({
    limit: z
      .number()
      .int()
      .min(1)
      .max(PAGE_SIZE_MAX)
      .optional()
      .meta({ description: `1 to ${PAGE_SIZE_MAX}, default 20` }),
    cursor: z.string().min(1).max(200).optional().meta({ description: 'next_cursor of the previous page' }),
  })
  .strict();

export const payArgs = z
  .object({
    to_agent_id: id.optional().meta({ description: 'Pay another OCP agent (its bound wallet); give this or to_wallet_id' }),
    to_wallet_id: id.optional().meta({ description: 'Pay an OCP wallet; give this or to_agent_id' }),
    amount: positiveAmount.meta({ description: 'Minor units, a string of digits (e.g. "1050" is 10.50 USD)' }),
    currency: currencyCode,
    memo: z.string().trim().max(500).optional(),
    mandate: z
      .string()
      .min(1)
      .max(8192)
      .optional()
      .meta({ description: 'A signed owner mandate (compact JWS, ES256) the payment must also satisfy' }),
    idempotency_key: idempotencyKeyArg(
      'A unique key per payment (e.g. a UUID). A retry with the same key and arguments pays once and returns the first result',
    ),
  })
  .strict()
  .refine((a) => (a.to_agent_id === undefined) !== (a.to_wallet_id === undefined), {
    message: 'give exactly one of to_agent_id and to_wallet_id',
    path: ['to_agent_id'],
  });

export const issueCredentialArgs = z
  .object({
    merchant_id: id.meta({ description: 'The OCP merchant (UCP business) the checkout belongs to' }),
    checkout_id: z.string().min(1).max(255).meta({ description: "The business's UCP checkout session id" }),
    amount: positiveAmount.meta({ description: "The checkout's total in minor units, a string of digits" }),
    currency: currencyCode,
    mandate: z
      .string()
      .min(1)
      .max(8192)
      .optional()
      .meta({ description: 'A signed owner mandate (compact JWS, ES256) the payment must satisfy' }),
  })
  .strict();

export const balanceResult = z.object({
  wallet_id: z.string(),
  currency: z.string(),
  balance: minorUnits,
  status: z.string(),
});

const transaction = z.object({
  id: z.string(),
  transfer_id: z.string(),
  type: z.string(),
  direction: z.enum(['debit', 'credit']),
  amount: minorUnits,
  currency: z.string(),
  status: z.string(),
  balance_after: minorUnits,
  counterparty_wallet_id: z.string(),
  description: z.string().nullable(),
  refund_of: z.string().nullable(),
  created_at: z.string(),
});

export const transactionsResult = z.object({ transactions: z.array(transaction), next_cursor: z.string().nullable() });

const amountOrUnlimited = minorUnits.nullable().meta({ description: 'null: no such limit' });

export const policyResult = z.object({
  agent_id: z.string(),
  status: z.string(),
  policy_version: z.number().int(),
  policy: z.object({
    max_per_transaction: amountOrUnlimited,
    daily_budget: amountOrUnlimited,
    monthly_budget: amountOrUnlimited,
    approval_threshold: amountOrUnlimited.meta({ description: 'Above this the owner must approve; null: never' }),
    allowed_counterparties: z.array(z.string()).meta({ description: 'Empty: any' }),
    allowed_currencies: z.array(z.string()).meta({ description: 'Empty: any' }),
    not_before: z.string().nullable(),
    expires_at: z.string().nullable(),
  }),
  spent: z.object({ today: minorUnits, this_month: minorUnits }).meta({ description: 'UTC day and month' }),
  remaining: z
    .object({ today: amountOrUnlimited, this_month: amountOrUnlimited })
    .meta({ description: 'What the budgets still allow (the wallet balance may allow less)' }),
  wallet: balanceResult,
});

export const payResult = z.object({
  payment: agentPaymentFields.meta({
    description: 'status "pending_approval": above the approval threshold, nothing moved until the owner approves',
  }),
  replayed: z.boolean().meta({ description: 'true: this idempotency_key was used before; this is the first result and nothing moved now' }),
});

const credential = z.object({ type: z.string(), token: z.string(), expiry: z.string() });

/** The REST UcpPaymentCredential view (POST /api/v1/ucp/payment-credentials), without its OpenAPI id. */
export const credentialResult = z.object({
  id: z.string(),
  credential,
  instrument: z
    .object({ id: z.string(), handler_id: z.string(), type: z.string(), credential })
    .meta({ description: "Ready to put in the UCP checkout's payment.instruments" }),
  business: z.object({ merchant_id: z.string() }),
  checkout_id: z.string(),
  amount: minorUnits,
  currency: z.string(),
  expires_at: z.string(),
});
