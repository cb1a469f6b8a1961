import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import type { Logger } from '../../infra/logger';
import { STATUS_BY_KIND, statusOf, type ErrorCode } from '../../shared/error-catalogue';
import { AppError } from '../../shared/errors';

/**
 * An error as GraphQL answers it, with REST's code from the one catalogue and its HTTP status in
 * `extensions`. A service's AppError keeps its code, message and details; a document the schema
 * refuses is graphql_invalid (or graphql_too_complex); anything else is logged and masked as
 * internal_error, with no message, stack or class of ours in the answer.
 */
export function formatError(error: GraphQLError, logger: Logger, requestId?: string): GraphQLFormattedError {
  const where = { ...(error.locations ? { locations: error.locations } : {}), ...(error.path ? { path: error.path } : {}) };
  const original = error.originalError;
  if (original instanceof AppError) {
    const extensions = {
      code: original.code,
      status: STATUS_BY_KIND[original.kind],
      ...(original.details !== undefined ? { details: original.details } : {}),
      ...(original.retryAfterSeconds !== undefined ? { retryAfterSeconds: original.retryAfterSeconds } : {}),
    };
    return { message: original.message, ...where, extensions };
  }
  // No path: the document or its variables were refused before any resolver ran (a variable's value
  // that its type refuses carries the scalar's own error as its original).
  if (!original || !error.path) {
    const code: ErrorCode = error.extensions.code === 'graphql_too_complex' ? 'graphql_too_complex' : 'graphql_invalid';
    return { message: error.message, ...where, extensions: { code, status: statusOf(code) } };
  }
  logger.error('graphql resolver failed', { error: original, path: error.path?.join('.'), requestId });
  return {
    message: 'Something went wrong on our side',
    ...where,
    extensions: { code: 'internal_error', status: statusOf('internal_error') },
  };
}

/** An answer without data: the whole request was refused, with the status of its first error. */
export function requestErrorBody(code: ErrorCode, message: string, details?: unknown) {
  return { errors: [{ message, extensions: { code, status: statusOf(code), ...(details !== undefined ? { details } : {}) } }] };
}
