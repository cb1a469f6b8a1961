import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Logger } from '../../infra/logger';
import { toIssuedCredentialView } from '../../modules/agent';
import type { IdempotencyService } from '../../modules/idempotency';
import { toTransactionView } from '../../modules/ledger';
import { pageQuery } from '../../shared/pagination';
import { ValidationFailed } from '../../shared/errors';
import type { AgentAccount, ActingAgent, AgentWallet, LedgerEntry, McpServices } from './agent-account';
import { payIdempotently } from './idempotent-pay';
import {
  balanceResult,
  credentialResult,
  issueCredentialArgs,
  listTransactionsArgs,
  payArgs,
  payResult,
  policyResult,
  transactionsResult,
} from './mcp.schemas';
import { runTool } from './tool-results';

/** What every tool registrar gets: the calling agent's account (one per HTTP request) and the shared pieces. */
export interface McpToolContext {
  account: AgentAccount;
  services: McpServices;
  idempotency: IdempotencyService;
  logger: Logger;
}

/**
 * Adds tools to the server of one request. OCP's own are below; another edge adds its tools (x402's
 * `pay_x402`) by handing its registrar to mountMcp, and gets the same context.
 */
export type McpToolRegistrar = (server: McpServer, context: McpToolContext) => void;

// Annotations (MCP 2025-06-18 "Tool annotations") are hints, so they err on the side of caution:
// reads are readOnly; a payment is destructive (money leaves the wallet and only the payee can send
// it back) and idempotent only through its idempotency_key; nothing here reaches outside OCP.
const READ = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;

export const registerOcpTools: McpToolRegistrar = (server, { account, services, idempotency, logger }) => {
  server.registerTool(
    'get_balance',
    {
      title: 'Balance',
      description: "The balance of the wallet the agent pays from (its owner's wallet bound to the agent), in minor units.",
      outputSchema: balanceResult,
      annotations: READ,
    },
    () => runTool('get_balance', logger, async () => balanceOf(await account.wallet())),
  );

  server.registerTool(
    'list_transactions',
    {
      title: 'Transactions',
      description:
        "The agent's wallet's transactions (payments out and in, funding, refunds), newest first; pass next_cursor for the next page.",
      inputSchema: listTransactionsArgs,
      outputSchema: transactionsResult,
      annotations: READ,
    },
    (args) =>
      runTool('list_transactions', logger, async () => {
        const page = pageArgs(args);
        const found = await account.history(page.limit, page.cursor);
        return { transactions: found.data.map(toTransaction), next_cursor: found.nextCursor };
      }),
  );

  server.registerTool(
    'get_policy',
    {
      title: 'Spending policy',
      description:
        "The agent's spending policy set by its owner, what it has spent today and this month (UTC) and what the budgets still allow.",
      outputSchema: policyResult,
      annotations: READ,
    },
    () =>
      runTool('get_policy', logger, async () => {
        const { agent, spent } = await account.whoAmI();
        return policyOf(agent, spent, await account.wallet(agent));
      }),
  );

  server.registerTool(
    'pay',
    {
      title: 'Pay',
      description:
        'Pay another OCP agent or an OCP wallet from the agent\'s wallet, under its owner\'s policy. Money moves at once, or waits for the owner above the approval threshold (status "pending_approval"). A refusal names its code (policy_violation with details.rule, insufficient_funds, ...). Send a new idempotency_key per payment and the same one on a retry.',
      inputSchema: payArgs,
      outputSchema: payResult,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    (args) =>
      runTool('pay', logger, async () => {
        const to = args.to_agent_id !== undefined ? { agentId: args.to_agent_id } : { walletId: args.to_wallet_id as string };
        const { amount, currency, memo, mandate, idempotency_key: idempotencyKey } = args;
        const request = { to, amount, currency, ...(memo ? { memo } : {}), ...(mandate ? { mandate } : {}), idempotencyKey };
        const outcome = await payIdempotently(idempotency, services.payments, account.principal, request);
        return { ...outcome };
      }),
  );

  server.registerTool(
    'issue_payment_credential',
    {
      title: 'UCP payment credential',
      description:
        "A single-use OCP wallet credential for one UCP checkout of an OCP merchant, bound to its merchant, checkout id, total and currency; put `instrument` in the checkout's payment when completing it. Moves nothing: the business redeems it once at complete, under the agent's policy.",
      inputSchema: issueCredentialArgs,
      outputSchema: credentialResult,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    (args) =>
      runTool('issue_payment_credential', logger, async () => {
        const { credential, token } = await services.credentials.issue(account.principal, {
          merchantId: args.merchant_id,
          checkoutId: args.checkout_id,
          amount: args.amount,
          currency: args.currency,
          ...(args.mandate ? { mandate: args.mandate } : {}),
        });
        return toIssuedCredentialView(credential, token);
      }),
  );
};

/** The tool's paging arguments, with the REST API's defaults and cursor decoding. */
function pageArgs(args: { limit?: number | undefined; cursor?: string | undefined }) {
  const parsed = pageQuery.safeParse({ ...(args.limit ? { limit: args.limit } : {}), ...(args.cursor ? { cursor: args.cursor } : {}) });
  if (!parsed.success) {
    throw new ValidationFailed('Invalid arguments: cursor is not a valid cursor', {
      fields: [{ field: 'cursor', message: 'is not a valid cursor' }],
    });
  }
  return parsed.data;
}

export function balanceOf(wallet: AgentWallet) {
  return { wallet_id: wallet.id, currency: wallet.currency, balance: wallet.balance.toString(), status: wallet.status };
}

/** The ledger's own view of an entry, in the snake_case the MCP tools answer with. */
function toTransaction(e: LedgerEntry) {
  const v = toTransactionView(e);
  return {
    id: v.id,
    transfer_id: v.transferId,
    type: v.type,
    direction: v.direction,
    amount: v.amount,
    currency: v.currency,
    status: v.status,
    balance_after: v.balanceAfter,
    counterparty_wallet_id: v.counterpartyWalletId,
    description: v.description,
    refund_of: v.refundOf,
    created_at: v.createdAt,
  };
}

function policyOf(agent: ActingAgent, spent: { day: bigint; month: bigint }, wallet: AgentWallet) {
  const p = agent.policy;
  const text = (v: bigint | undefined) => (v === undefined ? null : v.toString());
  const left = (budget: bigint | undefined, used: bigint) =>
    budget === undefined ? null : (budget > used ? budget - used : 0n).toString();
  return {
    agent_id: agent.id,
    status: agent.status,
    policy_version: agent.policyVersion,
    policy: {
      max_per_transaction: text(p.maxPerTransaction),
      daily_budget: text(p.dailyBudget),
      monthly_budget: text(p.monthlyBudget),
      approval_threshold: text(p.approvalThreshold),
      allowed_counterparties: p.allowedCounterparties,
      allowed_currencies: p.allowedCurrencies,
      not_before: p.notBefore?.toISOString() ?? null,
      expires_at: p.expiresAt?.toISOString() ?? null,
    },
    spent: { today: spent.day.toString(), this_month: spent.month.toString() },
    remaining: { today: left(p.dailyBudget, spent.day), this_month: left(p.monthlyBudget, spent.month) },
    wallet: balanceOf(wallet),
  };
}
