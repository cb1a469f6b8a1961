import { z } from 'zod';
import { idempotencyRequestHash, toJson } from '../../http/api';
import { refundRequestFields, toRefundRequestView } from '../../modules/admin';
import { positiveAmount } from '../../shared/money/money';
import { idempotencyKeyArg } from './mcp.schemas';
import type { McpToolRegistrar } from './mcp.tools';
import { runTool } from './tool-results';

/** What the key of a request_refund is hashed under: no REST route is this operation, so its own name. */
export const REQUEST_REFUND_OPERATION = '/mcp/tools/request_refund';

const requestRefundArgs = z
  .object({
    transaction_id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an OCP id')
      .meta({ description: "The payment's debit in the agent's history: the `id` list_transactions shows for it (direction debit)" }),
    amount: positiveAmount
      .optional()
      .meta({ description: 'Minor units, a string of digits; default: everything of the payment not yet refunded' }),
    reason: z.string().trim().min(1).max(500).meta({ description: 'Why, for the operator who decides' }),
    idempotency_key: idempotencyKeyArg(
      'A unique key per request (e.g. a UUID). A retry with the same key and arguments opens one request and returns it',
    ),
  })
  .strict();

const requestRefundResult = z.object({
  refund_request: refundRequestFields.meta({
    description: 'status "pending" until an operator approves (the money comes back as a refund in list_transactions) or rejects it',
  }),
  replayed: z
    .boolean()
    .meta({ description: 'true: this idempotency_key opened it before; this is that request and nothing new was opened' }),
});

/**
 * request_refund (issue #17 item 5): the agent asks for (part of) one of its own payments back. It
 * opens the admin module's refund request, the one customers open, for the agent's owner; an
 * operator decides it at /api/v1/admin/refunds with the same rules (what is left of the payment,
 * four-eyes). Nothing moves now. The key is the agent's, claimed in the request's own transaction.
 */
export const requestRefundTool: McpToolRegistrar = (server, { account, services, idempotency, logger }) => {
  server.registerTool(
    'request_refund',
    {
      title: 'Ask for a refund',
      description:
        'Asks for (part of) one of the agent\'s own payments back: opens a refund request that an OCP operator approves or rejects. Moves nothing now; an approved request shows as a refund credit in list_transactions. A refusal names its code (transaction_not_found: not a payment this agent made; refund_exceeds_remaining: more than is left of it, details.remaining "0" when it is all refunded). Send a new idempotency_key per request and the same one on a retry.',
      inputSchema: requestRefundArgs,
      outputSchema: requestRefundResult,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    (args) =>
      runTool('request_refund', logger, async () => {
        const { transaction_id: transactionId, amount, reason, idempotency_key: key } = args;
        const hashed = { transaction_id: transactionId, reason, ...(amount === undefined ? {} : { amount: amount.toString() }) };
        const hash = idempotencyRequestHash('POST', REQUEST_REFUND_OPERATION, hashed);
        const stored = await idempotency.storedReply(account.principal.sub, key, hash);
        if (stored) return { refund_request: JSON.parse(stored.body) as Record<string, unknown>, replayed: true };
        const claim = await idempotency.claim(account.principal.sub, key, hash);
        try {
          const { agent } = await account.whoAmI();
          const asking = { ...agent, tenantId: account.principal.tenantId };
          const requested = await services.refunds.requestByAgent(asking, transactionId, amount, reason, (tx, created) =>
            claim.persist(tx, { status: 201, body: toJson(toRefundRequestView(created)) }),
          );
          return { refund_request: toRefundRequestView(requested), replayed: false };
        } finally {
          await claim.release();
        }
      }),
  );
};
