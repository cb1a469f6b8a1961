import { z } from 'zod';
import { resourceId } from '../../http/params';
import type { CheckoutRequest } from '../../modules/merchant';

/**
 * OCP's own parsing of UCP 2026-01-11 checkout requests (checkout.json's create/update/complete
 * shapes). Bounded everywhere; unknown members are dropped (UCP objects are open for extensions),
 * but a body that is not such an object, a non-integer or out-of-range quantity, or an over-long
 * string is a 400. An item's title and price, when a platform sends them, are read as nothing:
 * OCP prices from the catalog.
 */
export const LINE_ITEMS_MAX = 100;
/** Far above any stock, inside a JSON integer and PostgreSQL's INTEGER; ≤ 0 is a UCP message, not a 400. */
export const QUANTITY_ABS_MAX = 1_000_000_000;

const printableId = z.string().regex(/^[\x21-\x7e]{1,64}$/, 'must be 1 to 64 printable ASCII characters');
const text = (max: number) => z.string().max(max);
const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code, e.g. USD');

export const checkoutParams = z.object({ merchantId: resourceId, id: resourceId });

/** Documented for every checkout operation; the handler reads and checks it (ucp_agent_missing / ucp_agent_invalid). */
export const ucpAgentHeaders = z.object({
  'ucp-agent': z.string().max(4096).optional().meta({
    description:
      'The platform\'s profile, `profile="<URI>"` (RFC 8941 dictionary); required by the REST binding: without it, 400 ucp_agent_missing',
  }),
});
export const merchantParams = z.object({ merchantId: resourceId });

const item = z.object({
  id: printableId.meta({ description: "The product's id in the merchant's catalog" }),
  title: text(500).optional().meta({ description: 'Ignored: OCP reads the title from the catalog' }),
  price: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().meta({ description: 'Ignored: OCP prices from the catalog' }),
  image_url: text(2048).optional(),
});

const lineItem = z.object({
  id: printableId.optional().meta({ description: 'Kept when unique in the checkout; otherwise OCP makes a li_… id' }),
  item,
  quantity: z
    .number()
    .int()
    .min(-QUANTITY_ABS_MAX)
    .max(QUANTITY_ABS_MAX)
    .meta({ description: 'Units; ≤ 0 is answered with invalid_quantity' }),
  parent_id: printableId.optional(),
});

const buyer = z.object({
  email: text(320).optional(),
  first_name: text(100).optional(),
  last_name: text(100).optional(),
  phone_number: text(32).optional(),
});

const context = z.object({
  currency: currency.optional(),
  address_country: text(2).optional(),
  address_region: text(100).optional(),
  postal_code: text(20).optional(),
  language: text(35).optional(),
  intent: text(1000).optional(),
});

const openObject = z.record(z.string().max(100), z.unknown());

const instrument = z.object({
  id: printableId,
  handler_id: printableId,
  type: text(64),
  credential: z.object({ type: text(64), token: z.string().min(1).max(512).optional() }).optional(),
  billing_address: openObject.optional(),
  display: openObject.optional(),
});

/** The platform's selection of instruments on create/update: accepted and not kept (a credential is never stored). */
const payment = z.object({
  instruments: z
    .array(instrument.extend({ selected: z.boolean().optional() }))
    .max(10)
    .optional(),
  selected_instrument_id: printableId.optional(),
});

const checkoutFields = {
  line_items: z.array(lineItem).max(LINE_ITEMS_MAX),
  buyer: buyer.optional(),
  context: context.optional(),
  currency: currency.optional().meta({ description: "Must be the merchant's currency when given" }),
  payment: payment.optional(),
  signals: openObject.optional(),
  risk_signals: openObject.optional(),
};

export const createCheckoutBody = z.object(checkoutFields).meta({ id: 'UcpCheckoutCreateRequest' });

export const updateCheckoutBody = z
  .object({ id: resourceId.optional().meta({ description: 'When given, the id in the path' }), ...checkoutFields })
  .meta({ id: 'UcpCheckoutUpdateRequest' });

export const completeCheckoutBody = z
  .object({
    payment_data: instrument,
    risk_signals: openObject.optional(),
    ap2: z.object({ checkout_mandate: z.string().min(1).max(65_536) }).optional(),
  })
  .meta({ id: 'UcpCheckoutCompleteRequest' });

/** What the merchant module prices: line ids, item ids and quantities, the buyer, and a requested currency. */
export function toCheckoutRequest(body: z.infer<typeof createCheckoutBody>): CheckoutRequest {
  const requested = body.currency
    ? { code: body.currency, path: '$.currency' }
    : body.context?.currency
      ? { code: body.context.currency, path: '$.context.currency' }
      : undefined;
  return {
    lines: body.line_items.map((l) => ({ ...(l.id !== undefined ? { id: l.id } : {}), itemId: l.item.id, quantity: l.quantity })),
    ...(body.buyer ? { buyer: body.buyer } : {}),
    ...(requested ? { currency: requested } : {}),
  };
}

/** A UCP message, as every answer of the endpoint carries them. */
export const ucpMessageView = z.object({
  type: z.enum(['error', 'warning', 'info']),
  code: z.string(),
  content: z.string(),
  severity: z.enum(['recoverable', 'requires_buyer_input', 'requires_buyer_review']).optional(),
  path: z.string().optional(),
});

const ucpView = z.object({ version: z.string(), capabilities: z.array(z.object({ name: z.string(), version: z.string() })) });

/** The error answer inside /ucp: UCP messages, never OCP's `{error}` shape. */
export const ucpErrorView = z
  .object({ ucp: ucpView, messages: z.array(ucpMessageView), id: z.string().optional(), status: z.string().optional() })
  .meta({ id: 'UcpError' });

const total = z.object({ type: z.string(), amount: z.number().int() });

/** The checkout as answered (checkout.json's response), for the OpenAPI document. */
export const checkoutView = z
  .object({
    ucp: ucpView,
    id: z.string(),
    status: z.enum(['incomplete', 'ready_for_complete', 'completed', 'canceled']),
    currency: z.string(),
    buyer: buyer.optional(),
    line_items: z.array(
      z.object({
        id: z.string(),
        item: z.object({ id: z.string(), title: z.string(), price: z.number().int(), image_url: z.string().optional() }),
        quantity: z.number().int(),
        totals: z.array(total),
      }),
    ),
    totals: z.array(total),
    links: z.array(z.object({ type: z.string(), url: z.string() })),
    messages: z.array(ucpMessageView),
    expires_at: z.string().meta({ format: 'date-time' }),
    payment: z.object({ handlers: z.array(z.record(z.string(), z.unknown())) }),
    order: z.object({ id: z.string(), permalink_url: z.string() }).optional(),
    ap2: z.object({ merchant_authorization: z.string() }).optional(),
  })
  .meta({ id: 'UcpCheckout' });
