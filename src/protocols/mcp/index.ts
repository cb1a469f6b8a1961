// The MCP edge (issue #17 items 5-6): the app mounts it; another edge adds tools through a registrar.
export { mountMcp, MCP_PATH, PROTECTED_RESOURCE_PATH, type McpDeps } from './mcp.routes';
export type { McpToolContext, McpToolRegistrar } from './mcp.tools';
export type { McpServices } from './agent-account';
export { runTool, toolError, toolResult } from './tool-results';
export { idempotencyKeyArg } from './mcp.schemas';
