import { z } from 'zod';
import { resourceId } from '../../http/params';
import { currencyCode, positiveAmount } from '../../shared/money/money';
import { STOCK_MAX, type Product } from './merchant.repository';
import type { MerchantApiClientRecord, PublicMerchant } from './merchant.service';

export const IMAGE_URL_CHARS_MAX = 2048;

// Shown to buyers and agents: no control characters (line breaks, escapes) in one-line text.
const oneLine = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^[^\p{Cc}\p{Cs}]*$/u, 'must not contain control characters');

const displayName = oneLine(100).meta({ example: 'Ada’s Books' });

export const createMerchantBody = z
  .object({
    walletId: resourceId.meta({ description: "One of the caller's active wallets: payments land there; the merchant takes its currency" }),
    displayName,
  })
  .strict();

export const TAX_RATE_BPS_MAX = 10_000;

export const updateMerchantBody = z
  .object({
    displayName: displayName.optional(),
    taxRateBps: z
      .number()
      .int()
      .min(0)
      .max(TAX_RATE_BPS_MAX)
      .optional()
      .meta({ description: 'Tax on checkouts in basis points of the subtotal (0 to 10000; 825 = 8.25 %), rounded half-up per checkout' }),
    termsOfServiceUrl: z
      .string()
      .max(IMAGE_URL_CHARS_MAX)
      .refine(isHttpsUrl, 'must be an absolute https URL')
      .nullable()
      .optional()
      .meta({ description: "The merchant's terms (https), linked from its UCP checkouts; null removes it" }),
    ap2Mandate: z.enum(['off', 'required']).optional().meta({
      description:
        "'required': the merchant's UCP checkouts advertise and enforce AP2 (dev.ucp.shopping.ap2_mandate): responses carry ap2.merchant_authorization and complete needs ap2.checkout_mandate",
    }),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'send at least one field to change');

export const merchantView = z
  .object({
    id: z.string(),
    ownerId: z.string(),
    walletId: z.string(),
    currency: z.string(),
    displayName: z.string(),
    taxRateBps: z.number().int().meta({ description: 'Tax on checkouts in basis points of the subtotal' }),
    termsOfServiceUrl: z.string().nullable(),
    ap2Mandate: z.enum(['off', 'required']),
    ucpEndpoint: z
      .string()
      .meta({ description: "The merchant's UCP business endpoint (its discovery profile is at {ucpEndpoint}/.well-known/ucp)" }),
    createdAt: z.string().meta({ format: 'date-time' }),
    updatedAt: z.string().meta({ format: 'date-time' }),
  })
  .meta({ id: 'Merchant' });

export const merchantPageView = z.object({ data: z.array(merchantView), nextCursor: z.string().nullable() });

export function toMerchantView(m: PublicMerchant) {
  return {
    id: m.id,
    ownerId: m.ownerId,
    walletId: m.walletId,
    currency: m.currency,
    displayName: m.displayName,
    taxRateBps: m.taxRateBps,
    termsOfServiceUrl: m.termsOfServiceUrl,
    ap2Mandate: m.ap2Mandate,
    ucpEndpoint: m.ucpEndpoint,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}

/** A merchant's SKU: safe in a path, a log line and a UCP item id. */
const productId = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1 to 64 letters, digits, ".", "_" or "-"')
  .meta({ example: 'book-042' });

export const productParams = z.object({ id: resourceId, productId });

const price = z
  .object({ amount: positiveAmount, currency: currencyCode })
  .strict()
  .meta({ description: "Minor units in the merchant's currency" });

const stock = z
  .number()
  .int()
  .min(0)
  .max(STOCK_MAX)
  .nullable()
  .meta({ description: `Units on hand, 0 to ${STOCK_MAX}; null or absent: unlimited` });

const imageUrl = z
  .string()
  .max(IMAGE_URL_CHARS_MAX)
  .refine(isHttpsUrl, 'must be an absolute https URL')
  .nullable()
  .meta({ example: 'https://example.com/book-042.jpg' });

export const createProductBody = z
  .object({
    id: productId.optional().meta({ description: 'Your SKU, unique in this catalog; a prd_… id is made when absent' }),
    title: oneLine(200),
    price,
    stock: stock.optional(),
    imageUrl: imageUrl.optional(),
  })
  .strict();

export const updateProductBody = z
  .object({ title: oneLine(200).optional(), price: price.optional(), stock: stock.optional(), imageUrl: imageUrl.optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'send at least one field to change');

export const productView = z
  .object({
    id: z.string(),
    merchantId: z.string(),
    title: z.string(),
    price: z.object({ amount: z.string().meta({ description: 'Minor units', example: '1999' }), currency: z.string() }),
    stock: z.number().int().nullable(),
    imageUrl: z.string().nullable(),
    createdAt: z.string().meta({ format: 'date-time' }),
    updatedAt: z.string().meta({ format: 'date-time' }),
  })
  .meta({ id: 'Product' });

export const productPageView = z.object({ data: z.array(productView), nextCursor: z.string().nullable() });

export function toProductView(p: Product) {
  return {
    id: p.id,
    merchantId: p.merchantId,
    title: p.title,
    price: { amount: p.priceMinor.toString(), currency: p.currency },
    stock: p.stock,
    imageUrl: p.imageUrl,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

export const createMerchantApiClientBody = z.object({ name: oneLine(100) }).strict();

export const apiClientParams = z.object({ id: resourceId, clientId: resourceId });

const apiClientFields = {
  id: z.string(),
  clientId: z.string(),
  name: z.string(),
  permissions: z.array(z.string()),
  createdAt: z.string().meta({ format: 'date-time' }),
  revokedAt: z.string().meta({ format: 'date-time' }).nullable(),
};

export const merchantApiClientView = z.object(apiClientFields).meta({ id: 'MerchantApiClient' });
export const newMerchantApiClientView = z.object({
  ...apiClientFields,
  clientSecret: z.string().meta({ description: 'Shown once; store it now' }),
});
export const merchantApiClientListView = z.object({ data: z.array(merchantApiClientView) });

export function toApiClientView(c: MerchantApiClientRecord) {
  return {
    id: c.id,
    clientId: c.clientId,
    name: c.name,
    permissions: c.permissions,
    createdAt: c.createdAt.toISOString(),
    revokedAt: c.revokedAt?.toISOString() ?? null,
  };
}

function isHttpsUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' && url.hostname.length > 0 && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}
