import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../infra/logger';
import { AppError, NotFound, type ErrorKind } from '../shared/errors';

/** The one table from error kind to HTTP status. */
const STATUS_BY_KIND: Record<ErrorKind, number> = {
  validation: 400,
  unauthorized: 401,
  payment_required: 402,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  insufficient_funds: 422,
  policy_violation: 403,
  rate_limited: 429,
  unavailable: 503,
};

/** body-parser raises these with a `type`; they are the client's mistake, not ours. */
const BODY_PARSER_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  'entity.parse.failed': { status: 400, code: 'malformed_json', message: 'The request body is not valid JSON' },
  'entity.too.large': { status: 413, code: 'payload_too_large', message: 'The request body is too large' },
  'encoding.unsupported': { status: 415, code: 'unsupported_encoding', message: 'Unsupported content encoding' },
  'charset.unsupported': { status: 415, code: 'unsupported_charset', message: 'Unsupported charset' },
  'request.aborted': { status: 400, code: 'request_aborted', message: 'The request was aborted' },
};

export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => next(new NotFound(`No route for ${req.method} ${req.path}`, 'route_not_found'));
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const requestId = res.locals.requestId as string | undefined;
    if (res.headersSent) {
      logger.error('error after response started', { error, requestId });
      return;
    }
    if (error instanceof AppError) {
      // A dependency's own words (a node's or provider's error text) are kept from the client in the cause: log them.
      if (error.kind === 'unavailable' && error.cause !== undefined) {
        logger.warn('dependency unavailable', { code: error.code, cause: error.cause, requestId, method: req.method, path: req.path });
      }
      if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
      return send(res, STATUS_BY_KIND[error.kind], error.code, error.message, error.details, requestId);
    }
    const parserType = (error as { type?: unknown } | null)?.type;
    const parserError = typeof parserType === 'string' ? BODY_PARSER_ERRORS[parserType] : undefined;
    if (parserError) {
      return send(res, parserError.status, parserError.code, parserError.message, undefined, requestId);
    }
    // Express and its router flag the client's mistakes with a 4xx `status` (a path parameter that is
    // not valid percent-encoding, for one): answer that status, not a 500.
    const status = (error as { status?: unknown } | null)?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return send(res, status, 'bad_request', 'The request could not be understood', undefined, requestId);
    }
    logger.error('unhandled error', { error, requestId, method: req.method, path: req.path });
    return send(res, 500, 'internal_error', 'Something went wrong on our side', undefined, requestId);
  };
}

function send(
  res: Parameters<ErrorRequestHandler>[2],
  status: number,
  code: string,
  message: string,
  details: unknown,
  requestId: string | undefined,
): void {
  res.status(status).json({ error: { code, message, ...(details !== undefined ? { details } : {}), requestId } });
}
