import { z } from 'zod';
import { resourceId as id } from '../../http/params';
import { checkoutView } from '../ucp';
import { idempotencyKeyArg } from './mcp.schemas';

/** The most lines one create_checkout takes (as UCP's Create Checkout at OCP's business endpoint). */
export const CHECKOUT_LINES_MAX = 100;
const QUANTITY_MAX = 10_000;

const idempotencyKey = idempotencyKeyArg(
  'A unique key per purchase (e.g. a UUID). A retry with the same key pays once and returns the first result',
);

export const createCheckoutArgs = z
  .object({
    merchant_id: id.meta({ description: 'The OCP merchant (mer_…) to buy from' }),
    line_items: z
      .array(
        z
          .object({
            item_id: z
              .string()
              .regex(/^[\x21-\x7e]{1,64}$/, 'must be 1 to 64 printable ASCII characters')
              .meta({ description: "The product's id in the merchant's catalog" }),
            quantity: z.number().int().min(1).max(QUANTITY_MAX),
          })
          .strict(),
      )
      .min(1)
      .max(CHECKOUT_LINES_MAX),
    buyer: z
      .object({
        email: z.string().max(320).optional(),
        first_name: z.string().max(100).optional(),
        last_name: z.string().max(100).optional(),
        phone_number: z.string().max(32).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const completeCheckoutArgs = z
  .object({
    merchant_id: id.meta({ description: 'The OCP merchant the checkout belongs to' }),
    checkout_id: id.meta({ description: 'The checkout create_checkout returned (chk_…)' }),
    idempotency_key: idempotencyKey,
  })
  .strict();

const checkout = checkoutView.meta({
  description: "UCP's checkout response: amounts are JSON integers of minor units, as UCP puts them on the wire",
});

export const checkoutResult = z.object({ checkout });

export const completeCheckoutResult = z.object({
  checkout: checkout.meta({ description: 'status "completed", with order.id' }),
  payment_id: z.string().meta({ description: "The agent's payment (apm_…) that paid the order's total" }),
  replayed: z.boolean().meta({ description: 'true: this idempotency_key completed it before; this is that result and nothing moved now' }),
});
