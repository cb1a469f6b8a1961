import { z } from 'zod';
import { resourceId as id } from '../../../http/params';
import { AMOUNT_MAX_MINOR, currencyCode } from '../../../shared/money/money';
import { isoInstantString } from '../../../shared/instant';

/**
 * Zod schemas following the Universal Commerce Protocol's published JSON schemas, version
 * 2026-04-08 (dev.ucp.shopping.checkout and its types). UCP objects allow extra properties
 * (additionalProperties: true), so unknown keys are kept, not refused. Amounts are integer minor units.
 */
export const UCP_VERSION = '2026-04-08';

/** OCP's payment handler, as advertised at /.well-known/ucp; instruments name it in handler_id. */
export const OCP_HANDLER_ID = 'ocp_wallet';
export const OCP_HANDLER_NAME = 'dev.ocp.wallet';

// UCP itself says integers here, so numbers stay; bounded by the per-operation maximum (below 2^53,
// so every such number is exact in any client) and so a few of them summed stay far from overflow.
const minor = z.number().int().min(0).max(Number(AMOUNT_MAX_MINOR));

export const TOTAL_TYPES = ['items_discount', 'subtotal', 'discount', 'fulfillment', 'tax', 'fee', 'total'] as const;

const total = z.looseObject({ type: z.enum(TOTAL_TYPES), display_text: z.string().optional(), amount: minor });

const lineItem = z.looseObject({
  id: z.string().min(1).max(256),
  item: z.looseObject({
    id: z.string().min(1).max(256),
    title: z.string().max(1000).optional(),
    price: minor.meta({ description: 'Unit price in minor units' }),
    image_url: z.string().optional(),
  }),
  quantity: z.number().int().min(1).max(1_000_000),
  totals: z.array(total).max(20).optional(),
  parent_id: z.string().optional(),
});

const instrument = z.looseObject({
  id: z.string().min(1).max(256),
  handler_id: z.string().min(1).max(256),
  type: z.string().min(1).max(64),
  selected: z.boolean().optional(),
  credential: z.looseObject({ type: z.string() }).optional(),
});

export const ucpMessage = z.object({
  type: z.enum(['error', 'warning', 'info']),
  code: z.string(),
  path: z.string().optional(),
  content: z.string(),
  severity: z.enum(['recoverable', 'requires_buyer_input', 'requires_buyer_review', 'unrecoverable']).optional(),
});
export type UcpMessage = z.infer<typeof ucpMessage>;

export const CHECKOUT_STATUSES = [
  'incomplete',
  'requires_escalation',
  'ready_for_complete',
  'complete_in_progress',
  'completed',
  'canceled',
] as const;

export const ucpCheckout = z
  .looseObject({
    ucp: z.looseObject({
      version: z.literal(UCP_VERSION, { error: `unsupported UCP version; this server speaks ${UCP_VERSION}` }),
      status: z.enum(['success', 'error']).optional(),
    }),
    id: z.string().min(1).max(256),
    line_items: z.array(lineItem).min(1).max(500),
    status: z.enum(CHECKOUT_STATUSES),
    currency: currencyCode,
    totals: z.array(total).min(1).max(20),
    messages: z.array(ucpMessage).max(50).optional(),
    links: z
      .array(z.looseObject({ type: z.string(), url: z.string() }))
      .max(50)
      .optional(),
    expires_at: isoInstantString.optional(),
    continue_url: z.string().optional(),
    payment: z.looseObject({ instruments: z.array(instrument).min(1).max(20) }),
  })
  .meta({ id: 'UcpCheckout', description: `A UCP checkout (dev.ucp.shopping.checkout, version ${UCP_VERSION})` });
export type UcpCheckout = z.infer<typeof ucpCheckout>;

export const checkoutPayBody = z
  .object({
    checkout: ucpCheckout,
    payee: z
      .union([z.object({ merchant_id: z.string().min(1).max(128), wallet_id: id }).strict(), z.object({ agent_id: id }).strict()])
      .meta({ description: "The merchant's OCP wallet (and its merchant id, for allow-lists), or another agent" }),
    mandate: z.string().min(1).max(8192).optional().meta({ description: 'A signed owner mandate (compact JWS, ES256)' }),
  })
  .strict();

export const checkoutReplyView = ucpCheckout.extend({
  order: z.object({ id: z.string(), permalink_url: z.string() }).optional(),
  messages: z.array(ucpMessage),
});

/** The compact intent payload older OCP clients send; `value` is in major units ("150.00" dollars). */
export const intentBody = z
  .object({
    ver: z.string().regex(/^1(\.[0-9]+)?$/, 'unsupported intent version; this server speaks 1.x'),
    intent: z.enum(['transfer', 'payment']),
    sender: z.object({ agent_id: id }).strict(),
    recipient: z.union([z.object({ agent_id: id }).strict(), z.object({ wallet_id: id }).strict()]),
    amount: z
      .object({
        // A string only: a JSON number is a binary float to every client that built it (0.1 + 0.2).
        value: z
          .string({ error: 'must be a string of major units, e.g. "150.00", not a JSON number' })
          .max(40)
          .meta({ description: `Major units as a decimal string, e.g. "150.00"; at most ${AMOUNT_MAX_MINOR} minor units` }),
        currency: currencyCode,
      })
      .strict(),
    memo: z.string().trim().max(500).optional(),
  })
  .strict();
