import { Unavailable } from '../../shared/errors';

// Apart from the pg adapter, so that what needs only this (waitForDatabase, on every start) does not load pg.

/** SQLSTATEs of a lost or refused connection, not of the statement: classes 08 and 57P, and 53300. */
const CONNECTION_SQLSTATES = /^(08...|57P0[1-4]|53300)$/;
/** Socket-level failures Node reports while reaching the server. */
const CONNECTION_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** node-postgres raises these as plain Errors without a code. */
const CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'is not currently accepting connections',
];

/**
 * True when the error says the connection to PostgreSQL is gone or cannot be made, as opposed to
 * a statement the database refused. Such a failure is the same for every request until the
 * database is back, so it is an outage (503), not a bug (500).
 */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof Unavailable) return true;
  const e = error as { code?: unknown; message?: unknown } | null;
  if (typeof e?.code === 'string' && (CONNECTION_SQLSTATES.test(e.code) || CONNECTION_ERRNOS.has(e.code))) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return CONNECTION_MESSAGES.some((m) => message.includes(m));
}
