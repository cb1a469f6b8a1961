import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../infra/logger';
import { STATUS_BY_KIND, statusOf, type ErrorCode } from '../shared/error-catalogue';
import { AppError, NotFound } from '../shared/errors';

/** body-parser raises these with a `type`; they are the client's mistake, not ours. The catalogue gives the status. */
const BODY_PARSER_ERRORS: Record<string, { code: ErrorCode; message: string }> = {
  'entity.parse.failed': { code: 'malformed_json', message: 'The request body is not valid JSON' },
  'entity.too.large': { code: 'payload_too_large', message: 'The request body is too large' },
  'encoding.unsupported': { code: 'unsupported_encoding', message: 'Unsupported content encoding' },
  'charset.unsupported': { code: 'unsupported_charset', message: 'Unsupported charset' },
  'request.aborted': { code: 'request_aborted', message: 'The request was aborted' },
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
      return send(res, statusOf(parserError.code), parserError.code, parserError.message, undefined, requestId);
    }
    // Express and its router flag the client's mistakes with a 4xx `status` (a path parameter that is
    // not valid percent-encoding, for one): answer that status, not a 500.
    const status = (error as { status?: unknown } | null)?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return send(res, status, 'bad_request', 'The request could not be understood', undefined, requestId);
    }
    logger.error('unhandled error', { error, requestId, method: req.method, path: req.path });
    return send(res, statusOf('internal_error'), 'internal_error', 'Something went wrong on our side', undefined, requestId);
  };
}

function send(
  res: Parameters<ErrorRequestHandler>[2],
  status: number,
  code: ErrorCode,
  message: string,
  details: unknown,
  requestId: string | undefined,
): void {
  res.status(status).json({ error: { code, message, ...(details !== undefined ? { details } : {}), requestId } });
}
