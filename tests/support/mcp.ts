import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { TestApp } from './test-app';

/** The app listening on 127.0.0.1 (a free port), for the SDK's HTTP client. */
export async function listen(t: TestApp): Promise<{ server: Server; baseUrl: string; close: () => Promise<void> }> {
  const server = t.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, baseUrl, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** An MCP client of the SDK connected to OCP's /mcp with `authorization` (e.g. "Bearer <agent token>"). */
export async function mcpClient(baseUrl: string, authorization: string): Promise<Client> {
  const client = new Client({ name: 'ocp-test-agent', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp`), {
    requestInit: { headers: { Authorization: authorization } },
  });
  await client.connect(transport);
  return client;
}

/** What Client.callTool resolves to (a plain result here: OCP's tools run no tasks). */
type ToolReply = Awaited<ReturnType<Client['callTool']>>;

/** A tool result's structured content, failing the test if the tool refused. */
export function structured<T = Record<string, unknown>>(reply: ToolReply): T {
  const result = reply as CallToolResult;
  if (result.isError) throw new Error(`tool refused: ${JSON.stringify(result.content)}`);
  return result.structuredContent as T;
}

/** The OCP error a refused tool call names, from its text content. */
export function refusal(reply: ToolReply): { code: string; message: string; details?: Record<string, unknown> } {
  const result = reply as CallToolResult;
  expect(result.isError).toBe(true);
  const text = result.content.find((c) => c.type === 'text');
  return (JSON.parse((text as { text: string }).text) as { error: { code: string; message: string; details?: Record<string, unknown> } })
    .error;
}
