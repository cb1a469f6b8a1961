import type { CheckoutResult } from '../../modules/merchant';
import { checkoutUcp } from './ucp-version';

/** Amounts on UCP's wire are JSON integers of minor units: every one here is ≤ 10^15 (< 2^53), so exact. */
const int = (minor: bigint) => Number(minor);

/**
 * A session as UCP's checkout response (checkout.json): OCP's prices and totals, the merchant's
 * accepted payment handler, and the order once completed. `continue_url` is left out: OCP serves no
 * buyer UI to hand a checkout over to.
 */
export function checkoutResponse(result: CheckoutResult, handler: object, orderUrl: (orderId: string) => string) {
  const { session, merchant, order } = result;
  const showTax = session.taxMinor > 0n || merchant.taxRateBps > 0;
  return {
    ucp: checkoutUcp(),
    id: session.id,
    status: session.status,
    currency: session.currency,
    ...(session.buyer ? { buyer: session.buyer } : {}),
    line_items: session.lines.map((line) => ({
      id: line.id,
      item: { id: line.itemId, title: line.title, price: int(line.priceMinor), ...(line.imageUrl ? { image_url: line.imageUrl } : {}) },
      quantity: line.quantity,
      totals: [
        { type: 'subtotal', amount: int(line.subtotalMinor) },
        { type: 'total', amount: int(line.subtotalMinor) },
      ],
    })),
    totals: [
      { type: 'subtotal', amount: int(session.subtotalMinor) },
      ...(showTax ? [{ type: 'tax', amount: int(session.taxMinor) }] : []),
      { type: 'total', amount: int(session.totalMinor) },
    ],
    links: merchant.termsOfServiceUrl ? [{ type: 'terms_of_service', url: merchant.termsOfServiceUrl }] : [],
    messages: session.messages,
    expires_at: session.expiresAt.toISOString(),
    payment: { handlers: [handler] },
    ...(order ? { order: { id: order.id, permalink_url: orderUrl(order.id) } } : {}),
  };
}

export type CheckoutResponse = ReturnType<typeof checkoutResponse>;
