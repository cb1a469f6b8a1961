import { z } from 'zod';
import { idempotencyRequestHash, toJson } from '../../http/api';
import { positiveAmount } from '../../shared/money/money';
import { idempotencyKeyArg, runTool, type McpToolRegistrar } from '../mcp';
import type { PayRequest, X402Payer } from './payer';
import { x402PaymentView } from '../../modules/agent';
import { fetchTarget, x402PayReply } from './pay.schemas';

/** The REST operation the tool is: its key, hash and stored reply are POST /api/v1/x402/pay's. */
export const X402_PAY_PATH = '/api/v1/x402/pay';

const payX402Args = z
  .object({
    ...fetchTarget,
    method: fetchTarget.method.optional().meta({ description: 'Default GET' }),
    max_amount: positiveAmount.meta({ description: "The most to pay for this request, in the token's base units (a string of digits)" }),
    idempotency_key: idempotencyKeyArg(
      'A unique key per fetch (e.g. a UUID). A retry with the same key and arguments returns the first paid answer and pays nothing again',
    ),
  })
  .strict();

const payX402Result = z.object({
  status: z.number().int().meta({ description: "The URL's HTTP status (the paid retry's, when it asked for a payment)" }),
  body: z.string().meta({ description: "The URL's answer, as text" }),
  payment: x402PaymentView.nullable().meta({ description: 'null: the URL asked for no payment' }),
  replayed: z
    .boolean()
    .meta({ description: 'true: this idempotency_key was used before; this is the first answer and nothing was paid now' }),
});

type PayX402Args = z.infer<typeof payX402Args>;

/**
 * The MCP tool pay_x402 (issue #17 item 7): POST /api/v1/x402/pay by another road, registered with
 * mountMcp's extraTools. The payer checks the agent's policy before signing, so a refusal (above the
 * cap, an asset or payee the policy does not allow) signs nothing and comes back as a tool error
 * naming the rule. The key is the agent's and hashed over the body the REST route would get, and a
 * paid answer is stored in the transaction that records the payment, as the route stores it: a retry
 * over either road replays it and never signs again.
 */
export function x402McpTools(payer: X402Payer): { register: McpToolRegistrar; paying: string[] } {
  const register: McpToolRegistrar = (server, { account, idempotency, logger }) => {
    server.registerTool(
      'pay_x402',
      {
        title: 'Fetch a URL, paying its x402 challenge',
        description:
          "Fetches a URL for the agent; when it answers 402 with an x402 challenge, pays it (at most max_amount, EVM exact, a token OCP knows) from the chain wallet the agent's policy names, signed inside OCP's vault, and fetches again. A refusal names its code (policy_violation with details.rule, x402_above_max_amount, x402_no_payable_requirement, ...) and nothing is signed. Send a new idempotency_key per fetch and the same one on a retry.",
        inputSchema: payX402Args,
        outputSchema: payX402Result,
        annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
      },
      (args) =>
        runTool('pay_x402', logger, async () => {
          const { idempotency_key: key, ...rest } = args;
          const hash = idempotencyRequestHash('POST', X402_PAY_PATH, restBody(rest));
          const stored = await idempotency.storedReply(account.principal.sub, key, hash);
          if (stored) return { ...(JSON.parse(stored.body) as Record<string, unknown>), replayed: true };
          const claim = await idempotency.claim(account.principal.sub, key, hash);
          try {
            // The REST route's key (same scope): a payment signed over either road stays bound to it.
            const bound = { scope: account.principal.sub, key };
            const result = await payer.pay(account.principal, payRequest(rest), bound, (tx, paid) =>
              claim.persist(tx, { status: 200, body: toJson(x402PayReply(paid).body) }),
            );
            return { ...(x402PayReply(result).body as Record<string, unknown>), replayed: false };
          } finally {
            await claim.release();
          }
        }),
    );
  };
  return { register, paying: ['pay_x402'] };
}

/** The JSON body POST /api/v1/x402/pay would get for the same fetch (only the fields given). */
function restBody(a: Omit<PayX402Args, 'idempotency_key'>) {
  return {
    url: a.url,
    ...(a.method ? { method: a.method } : {}),
    ...(a.body !== undefined ? { body: a.body } : {}),
    maxAmount: a.max_amount.toString(),
  };
}

function payRequest(a: Omit<PayX402Args, 'idempotency_key'>): PayRequest {
  return { url: a.url, method: a.method ?? 'GET', ...(a.body !== undefined ? { body: a.body } : {}), maxAmount: a.max_amount };
}
