import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../../infra/logger';
import { STATUS_BY_KIND, type ErrorCode } from '../../shared/error-catalogue';
import { AppError, NotFound } from '../../shared/errors';
import { checkoutUcp } from './ucp-version';

type Severity = 'recoverable' | 'requires_buyer_input';

interface UcpMessage {
  type: 'error';
  code: string;
  content: string;
  severity: Severity;
  path?: string;
}

/** body-parser's errors, answered as UCP messages with the status OCP gives them elsewhere. */
const BODY_PARSER: Record<string, { status: number; code: ErrorCode; content: string }> = {
  'entity.parse.failed': { status: 400, code: 'malformed_json', content: 'The request body is not valid JSON' },
  'entity.too.large': { status: 413, code: 'payload_too_large', content: 'The request body is too large' },
  'encoding.unsupported': { status: 415, code: 'unsupported_encoding', content: 'Unsupported content encoding' },
  'charset.unsupported': { status: 415, code: 'unsupported_charset', content: 'Unsupported charset' },
  'request.aborted': { status: 400, code: 'request_aborted', content: 'The request was aborted' },
};

/**
 * Who resolves an error (UCP message_error severities): the platform, by sending another request
 * (`recoverable`: a malformed request, a key reused, a credential to get again, a session changed
 * meanwhile), or nobody through the API (`requires_buyer_input`: no such merchant or session, a
 * session already completed or canceled, stock gone; start a new checkout).
 */
const NEEDS_BUYER = new Set<string>([
  'merchant_not_found',
  'checkout_not_found',
  'checkout_completed',
  'checkout_canceled',
  'out_of_stock',
  'route_not_found',
]);

/** The session a state error is about answers with its status (the spec's error structure carries one). */
const STATE_OF: Partial<Record<string, string>> = { checkout_completed: 'completed', checkout_canceled: 'canceled' };

/** Unknown paths under /ucp: a UCP message too. */
export function ucpNotFound(): RequestHandler {
  return (req, _res, next) => next(new NotFound(`No UCP route for ${req.method} ${req.path}`, 'route_not_found'));
}

/**
 * Every error answer under /ucp as a UCP body `{ucp, messages: [{type: 'error', code, content,
 * severity, path?}]}` with its 4xx: validation failures (one message per field, with a JSONPath into
 * the body), malformed or oversized JSON, NUL bytes, unknown merchants and sessions, state conflicts,
 * credential refusals. An Idempotency-Key reused with another body is a 409, as the REST binding
 * says (422 elsewhere in OCP). Anything unexpected is logged and answered 500 in the same shape.
 */
export function ucpErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const requestId = res.locals.requestId as string | undefined;
    if (res.headersSent) {
      logger.error('error after response started', { error, requestId });
      return;
    }
    if (error instanceof AppError) {
      if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
      const status = error.code === 'idempotency_conflict' ? 409 : STATUS_BY_KIND[error.kind];
      const state = STATE_OF[error.code];
      // The router's params are gone here; the session id is read back from the path (safe characters only).
      const id = /^\/[^/]+\/checkout-sessions\/([A-Za-z0-9_-]{1,64})(\/|$)/.exec(req.path)?.[1];
      return send(res, status, messagesOf(error), state ? { status: state, ...(id ? { id } : {}) } : {});
    }
    const parserType = (error as { type?: unknown } | null)?.type;
    const parser = typeof parserType === 'string' ? BODY_PARSER[parserType] : undefined;
    if (parser) return send(res, parser.status, [message(parser.code, parser.content)]);
    const status = (error as { status?: unknown } | null)?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return send(res, status, [message('bad_request', 'The request could not be understood')]);
    }
    logger.error('unhandled error', { error, requestId, method: req.method, path: req.path });
    return send(res, 500, [{ ...message('internal_error', `Something went wrong on our side (request ${requestId ?? 'unknown'})`) }]);
  };
}

function messagesOf(error: AppError): UcpMessage[] {
  const fields = (error.details as { fields?: { field: string; message: string }[] } | undefined)?.fields;
  if (error.code === 'validation_failed' && Array.isArray(fields) && fields.length > 0) {
    return fields.map((f) => {
      const path = jsonPath(f.field);
      return { ...message(error.code, `${f.field}: ${f.message}`), ...(path ? { path } : {}) };
    });
  }
  return [message(error.code, error.message)];
}

function message(code: string, content: string): UcpMessage {
  return { type: 'error', code, content, severity: NEEDS_BUYER.has(code) ? 'requires_buyer_input' : 'recoverable' };
}

/** `body.line_items.0.quantity` → `$.line_items[0].quantity` (RFC 9535); other places (path, header) have none. */
function jsonPath(field: string): string | undefined {
  const [where, ...rest] = field.split('.');
  if (where !== 'body') return undefined;
  return rest.reduce(
    (path, part) =>
      /^\d+$/.test(part)
        ? `${path}[${part}]`
        : /^[A-Za-z_][A-Za-z0-9_]*$/.test(part)
          ? `${path}.${part}`
          : `${path}['${part.replace(/'/g, "\\'")}']`,
    '$',
  );
}

function send(res: Parameters<ErrorRequestHandler>[2], status: number, messages: UcpMessage[], extra: Record<string, string> = {}): void {
  res.status(status).json({ ucp: checkoutUcp(), ...extra, messages });
}
