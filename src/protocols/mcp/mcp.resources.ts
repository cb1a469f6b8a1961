import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { toJson } from '../../http/api';
import { toAgentPaymentView } from '../../modules/agent';
import { AppError } from '../../shared/errors';
import type { AgentAccount, McpServices } from './agent-account';
import { mcpSdk } from './mcp-sdk';
import { balanceOf } from './mcp.tools';

export const RECENT_PAYMENTS_URI = 'ocp://payments/recent';
export const RECENT_PAYMENTS_COUNT = 20;
const walletUri = (id: string) => `ocp://wallets/${id}`;

/**
 * The agent's wallet (`ocp://wallets/{id}`: only the one bound to it is listed or readable) and its
 * latest payments (`ocp://payments/recent`), as JSON. A resource the agent may not read is "not
 * found", the same answer as for one that does not exist.
 */
export function registerOcpResources(server: McpServer, account: AgentAccount, services: McpServices): void {
  const { McpError, ErrorCode, ResourceTemplate } = mcpSdk();
  server.registerResource(
    'wallet',
    new ResourceTemplate('ocp://wallets/{id}', {
      list: async () => {
        const wallet = await readable(() => account.wallet());
        return { resources: [{ uri: walletUri(wallet.id), name: `wallet ${wallet.id}`, mimeType: 'application/json' }] };
      },
    }),
    { title: "The agent's wallet", description: 'The wallet the agent pays from: balance, currency, status', mimeType: 'application/json' },
    async (uri, { id }) => {
      const wallet = await readable(() => account.wallet());
      if (id !== wallet.id) throw new McpError(ErrorCode.InvalidParams, `Resource ${uri.href} not found`);
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: toJson(balanceOf(wallet)) }] };
    },
  );

  server.registerResource(
    'recent_payments',
    RECENT_PAYMENTS_URI,
    {
      title: 'Recent payments',
      description: `The agent's latest ${RECENT_PAYMENTS_COUNT} payments, newest first (completed, pending approval, declined, expired)`,
      mimeType: 'application/json',
    },
    async (uri) => {
      const page = await readable(() => services.payments.listPayments(account.principal, RECENT_PAYMENTS_COUNT));
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: toJson({ payments: page.data.map(toAgentPaymentView) }) }] };
    },
  );
}

/** Resources have no result-level error: an OCP refusal becomes a JSON-RPC error that keeps its code and message. */
async function readable<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    const { McpError, ErrorCode } = mcpSdk();
    if (error instanceof AppError) throw new McpError(ErrorCode.InvalidRequest, `${error.code}: ${error.message}`);
    throw error;
  }
}
