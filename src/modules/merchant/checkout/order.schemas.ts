import { z } from 'zod';
import { resourceId } from '../../../http/params';
import type { Order } from './checkout.repository';

export const orderParams = z.object({ id: resourceId, orderId: resourceId });

const amount = (description: string) => z.string().meta({ description: `${description}, in minor units`, example: '5400' });

export const orderView = z
  .object({
    id: z.string(),
    merchantId: z.string(),
    checkoutId: z.string().meta({ description: 'The UCP checkout session the order was placed from' }),
    paymentId: z.string().meta({ description: 'The OCP payment that paid it' }),
    currency: z.string(),
    lineItems: z.array(
      z.object({
        id: z.string(),
        itemId: z.string().meta({ description: 'The catalog product' }),
        title: z.string(),
        price: amount('Unit price'),
        quantity: z.number().int(),
        subtotal: amount('price × quantity'),
      }),
    ),
    subtotal: amount('Sum of the lines'),
    tax: amount('Tax at the merchant’s rate, rounded half-up'),
    total: amount('What was paid'),
    buyer: z
      .object({
        email: z.string().optional(),
        first_name: z.string().optional(),
        last_name: z.string().optional(),
        phone_number: z.string().optional(),
      })
      .nullable(),
    createdAt: z.string().meta({ format: 'date-time' }),
  })
  .meta({ id: 'Order' });

export const orderPageView = z.object({ data: z.array(orderView), nextCursor: z.string().nullable() });

export function toOrderView(o: Order): z.infer<typeof orderView> {
  return {
    id: o.id,
    merchantId: o.merchantId,
    checkoutId: o.checkoutId,
    paymentId: o.paymentId,
    currency: o.currency,
    lineItems: o.lines.map((l) => ({
      id: l.id,
      itemId: l.itemId,
      title: l.title,
      price: l.priceMinor.toString(),
      quantity: l.quantity,
      subtotal: l.subtotalMinor.toString(),
    })),
    subtotal: o.subtotalMinor.toString(),
    tax: o.taxMinor.toString(),
    total: o.totalMinor.toString(),
    buyer: o.buyer,
    createdAt: o.createdAt.toISOString(),
  };
}
