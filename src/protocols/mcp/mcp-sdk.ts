import type * as McpServerModule from '@modelcontextprotocol/sdk/server/mcp.js';
import type * as StreamableHttpModule from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type * as TypesModule from '@modelcontextprotocol/sdk/types.js';

type McpSdk = typeof McpServerModule & typeof StreamableHttpModule & Pick<typeof TypesModule, 'McpError' | 'ErrorCode'>;
let sdk: McpSdk | undefined;

/**
 * The MCP SDK's server side, loaded at the first MCP request rather than at start-up: with ajv and
 * its schemas it is ~0.4 s of CPU and memory that a deployment whose agents never speak MCP (and
 * every test app) would otherwise pay on every start.
 */
export function mcpSdk(): McpSdk {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use (above) */
  return (sdk ??= {
    ...(require('@modelcontextprotocol/sdk/server/mcp.js') as typeof McpServerModule),
    ...(require('@modelcontextprotocol/sdk/server/streamableHttp.js') as typeof StreamableHttpModule),
    ...pick(require('@modelcontextprotocol/sdk/types.js') as typeof TypesModule),
  });
  /* eslint-enable @typescript-eslint/no-require-imports */
}

const pick = ({ McpError, ErrorCode }: typeof TypesModule) => ({ McpError, ErrorCode });
