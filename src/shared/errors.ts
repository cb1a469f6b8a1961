/**
 * Typed application errors. Services throw these with a stable `code` from the catalogue
 * (shared/error-catalogue.ts), which also holds the one table from an error's `kind` to its HTTP status.
 */
import type { CodeOf, ErrorCode, ErrorKind } from './error-catalogue';

export type { ErrorKind } from './error-catalogue';

/** A kind with one of its own codes: the catalogue decides which codes go with which kind. */
type KindAndCode = { [K in ErrorKind]: [kind: K, code: CodeOf<K>] }[ErrorKind];

export class AppError extends Error {
  /** Sent as Retry-After when set: the client may try again after this many seconds. */
  retryAfterSeconds?: number;

  readonly kind: ErrorKind;
  readonly code: ErrorCode;
  readonly details?: unknown;

  constructor(...[kind, code, message, details]: [...KindAndCode, message: string, details?: unknown]) {
    super(message);
    this.name = new.target.name;
    this.kind = kind;
    this.code = code;
    this.details = details;
  }
}

export class ValidationFailed extends AppError {
  constructor(message: string, details?: unknown, code: CodeOf<'validation'> = 'validation_failed') {
    super('validation', code, message, details);
  }
}

export class Unauthorized extends AppError {
  constructor(message = 'Authentication required', code: CodeOf<'unauthorized'> = 'unauthorized') {
    super('unauthorized', code, message);
  }
}

export class Forbidden extends AppError {
  constructor(message = 'You do not have permission for this action', code: CodeOf<'forbidden'> = 'forbidden', details?: unknown) {
    super('forbidden', code, message, details);
  }
}

export class NotFound extends AppError {
  constructor(message = 'Not found', code: CodeOf<'not_found'> = 'not_found', details?: unknown) {
    super('not_found', code, message, details);
  }
}

export class Conflict extends AppError {
  constructor(code: CodeOf<'conflict'>, message: string, details?: unknown) {
    super('conflict', code, message, details);
  }
}

export class Unprocessable extends AppError {
  constructor(code: CodeOf<'unprocessable'>, message: string, details?: unknown) {
    super('unprocessable', code, message, details);
  }
}

export class InsufficientFunds extends AppError {
  constructor(message = 'Insufficient funds', details?: unknown) {
    super('insufficient_funds', 'insufficient_funds', message, details);
  }
}

export class PolicyViolation extends AppError {
  constructor(
    readonly rule: string,
    message: string,
    details?: Record<string, unknown>,
  ) {
    super('policy_violation', 'policy_violation', message, { rule, ...details });
  }
}

export class RateLimited extends AppError {
  constructor(retryAfterSeconds: number, message = 'Too many requests, slow down', code: CodeOf<'rate_limited'> = 'rate_limited') {
    super('rate_limited', code, message, { retryAfterSeconds });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class Unavailable extends AppError {
  constructor(message: string, code: CodeOf<'unavailable'>, retryAfterSeconds?: number) {
    super('unavailable', code, message);
    if (retryAfterSeconds !== undefined) this.retryAfterSeconds = retryAfterSeconds;
  }
}
