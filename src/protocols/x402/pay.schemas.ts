import { z } from 'zod';
import type { Reply } from '../../http/api';
import { toX402PaymentView, x402PaymentView } from '../../modules/agent';
import type { PayResult } from './payer';

/** What to fetch, the same for POST /api/v1/x402/pay and the MCP tool pay_x402. */
export const fetchTarget = {
  url: z
    .string()
    .max(2048)
    .regex(/^https?:\/\//, 'must be an http or https URL')
    .refine((u) => URL.canParse(u), 'must be a URL'),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  body: z.string().max(65_536).optional().meta({ description: 'Sent as is, as application/json' }),
};

export const x402PayView = z.object({ status: z.number().int(), body: z.string(), payment: x402PaymentView.nullable() });

/** The one reply of a fetch, stored under the Idempotency-Key whichever road (REST or MCP) it came by. */
export const x402PayReply = (result: PayResult): Reply => ({
  status: 200,
  body: { status: result.status, body: result.body, payment: result.payment && toX402PaymentView(result.payment) },
});
