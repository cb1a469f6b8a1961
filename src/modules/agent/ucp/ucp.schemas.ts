import { z } from 'zod';
import { resourceId as id } from '../../../http/params';
import { AMOUNT_MAX_MINOR, currencyCode } from '../../../shared/money/money';

/** The UCP version /.well-known/ucp announces (the discovery profile is rewritten separately). */
export const UCP_VERSION = '2026-04-08';

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
