/**
 * Typed application errors. Services throw these with a stable `code`; exactly one place
 * (http/error-handler.ts) turns an error's `kind` into an HTTP status.
 */
export type ErrorKind =
  | 'validation'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unprocessable'
  | 'insufficient_funds'
  | 'policy_violation'
  | 'payment_required'
  | 'rate_limited'
  | 'unavailable';

export class AppError extends Error {
  /** Sent as Retry-After when set: the client may try again after this many seconds. */
  retryAfterSeconds?: number;

  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationFailed extends AppError {
  constructor(message: string, details?: unknown, code = 'validation_failed') {
    super('validation', code, message, details);
  }
}

export class Unauthorized extends AppError {
  constructor(message = 'Authentication required', code = 'unauthorized') {
    super('unauthorized', code, message);
  }
}

export class Forbidden extends AppError {
  constructor(message = 'You do not have permission for this action', code = 'forbidden', details?: unknown) {
    super('forbidden', code, message, details);
  }
}

export class NotFound extends AppError {
  constructor(message = 'Not found', code = 'not_found') {
    super('not_found', code, message);
  }
}

export class Conflict extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super('conflict', code, message, details);
  }
}

export class Unprocessable extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super('unprocessable', code, message, details);
  }
}

export class InsufficientFunds extends AppError {
  constructor(message = 'Insufficient funds', details?: unknown) {
    super('insufficient_funds', 'insufficient_funds', message, details);
  }
}

export class PolicyViolation extends AppError {
  constructor(readonly rule: string, message: string, details?: Record<string, unknown>) {
    super('policy_violation', 'policy_violation', message, { rule, ...details });
  }
}

export class RateLimited extends AppError {
  constructor(retryAfterSeconds: number, message = 'Too many requests, slow down') {
    super('rate_limited', 'rate_limited', message, { retryAfterSeconds });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class Unavailable extends AppError {
  constructor(message: string, code = 'unavailable', retryAfterSeconds?: number) {
    super('unavailable', code, message);
    if (retryAfterSeconds !== undefined) this.retryAfterSeconds = retryAfterSeconds;
  }
}
