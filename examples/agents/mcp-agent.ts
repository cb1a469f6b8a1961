import { randomUUID } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export interface McpSession {
  /** The OCP deployment, e.g. https://ocp.example.com; its MCP server is at /mcp. */
  ocpUrl: string;
  /** The agent's OCP token (POST /api/v1/auth/token with its client credentials). */
  agentToken: string;
  /** Optional: pay this agent `amount` minor units of USD. */
  payAgentId?: string;
  amount?: string;
}

/**
 * What an MCP host does with OCP: connect with the agent's bearer token, list the tools, read the
 * balance and, when asked, pay. A refusal (a policy rule, a missing balance) is a tool result with
 * isError and the rule in its text, not a transport error.
 */
export async function runMcpSession(s: McpSession): Promise<{ tools: string[]; balance: unknown; payment: unknown }> {
  const client = new Client({ name: 'ocp-example-agent', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${s.ocpUrl}/mcp`), {
    requestInit: { headers: { Authorization: `Bearer ${s.agentToken}` } },
  });
  await client.connect(transport);
  try {
    const tools = (await client.listTools()).tools.map((tool) => tool.name);
    const balance = outcome((await client.callTool({ name: 'get_balance', arguments: {} })) as CallToolResult);
    const payment =
      s.payAgentId && s.amount
        ? outcome(
            (await client.callTool({
              name: 'pay',
              // The idempotency key makes a retried call (a timeout, a restarted host) pay once.
              arguments: { to_agent_id: s.payAgentId, amount: s.amount, currency: 'USD', idempotency_key: randomUUID() },
            })) as CallToolResult,
          )
        : null;
    return { tools, balance, payment };
  } finally {
    await client.close();
  }
}

function outcome(result: CallToolResult): unknown {
  if (!result.isError) return result.structuredContent;
  const text = result.content.find((c) => c.type === 'text');
  return { refused: text?.type === 'text' ? text.text : 'refused' };
}

// npx tsx examples/agents/mcp-agent.ts, with OCP_URL and AGENT_TOKEN set (PAY_AGENT_ID and AMOUNT to pay).
if (require.main === module) {
  const need = (name: string): string => process.env[name] ?? (process.stderr.write(`Set ${name}\n`), process.exit(2));
  runMcpSession({
    ocpUrl: need('OCP_URL'),
    agentToken: need('AGENT_TOKEN'),
    payAgentId: process.env.PAY_AGENT_ID,
    amount: process.env.AMOUNT,
  }).then(
    (outcome) => process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
