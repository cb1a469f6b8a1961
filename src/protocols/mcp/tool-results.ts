import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { toJson } from '../../http/api';
import type { Logger } from '../../infra/logger';
import { AppError } from '../../shared/errors';

/** A result as structured content, with the same JSON as text for clients that read text only. */
export function toolResult(structured: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: toJson(structured) }], structuredContent: structured };
}

/**
 * A refusal is a tool result with isError (MCP 2025-06-18, "Error Handling": errors the model can act
 * on are reported in the result, not as protocol errors), naming OCP's error code and, for a policy
 * refusal, the rule in details. No structuredContent: it would be checked against the success schema.
 * An unexpected error is logged whole and answered without its message.
 */
export function toolError(error: unknown, logger: Logger, tool: string): CallToolResult {
  const body =
    error instanceof AppError
      ? { error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) } }
      : { error: { code: 'internal_error', message: 'Something went wrong on our side' } };
  if (!(error instanceof AppError)) logger.error('mcp tool failed', { tool, error });
  return { content: [{ type: 'text', text: toJson(body) }], isError: true };
}

/** Runs a tool's work and turns its outcome into a result: structured on success, isError on refusal. */
export async function runTool(tool: string, logger: Logger, work: () => Promise<Record<string, unknown>>): Promise<CallToolResult> {
  try {
    return toolResult(await work());
  } catch (error) {
    return toolError(error, logger, tool);
  }
}
