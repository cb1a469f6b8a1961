import { luhnValid } from '../shared/luhn';

/**
 * Removes secrets from anything about to be logged: values under sensitive keys, and any run of
 * digits that looks like a card number, wherever it appears.
 */
// Matched against the key lower-cased with "-" and "_" removed, so `client_secret`, `x-api-key` and
// `clientSecret` are one name.
const SENSITIVE_KEY =
  /^(authorization|proxyauthorization|cookie|setcookie|.*password|passwordhash|.*secret|.*token|cvc|cvv|cvv2|number|cardnumber|pan|accountnumber|routingnumber|.*\[accountnumber\]|.*\[routingnumber\]|.*privatekey|mnemonic|seed|.*apikey|ciphertext|paymentdata)$/;
const CARD_LIKE = /\b(?:\d[ -]?){12,18}\d\b/g;
const MAX_DEPTH = 8;

export const REDACTED = '[REDACTED]';

export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replace(CARD_LIKE, (m) => (luhnValid(m) ? REDACTED : m));
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[Truncated]';
  if (value instanceof Error) return redactError(value, depth);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = isSensitiveKey(key) && v !== undefined && v !== null ? REDACTED : redact(v, depth + 1);
  }
  return out;
}

function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key.toLowerCase().replace(/[-_]/g, ''));
}

function redactError(error: Error, depth: number): Record<string, unknown> {
  const extra = redact({ ...error }, depth + 1) as Record<string, unknown>;
  // `cause` is not enumerable, so the spread above misses it; it often holds the real reason.
  const cause = error.cause === undefined ? {} : { cause: redact(error.cause, depth + 1) };
  return { ...extra, ...cause, name: error.name, message: redact(error.message), stack: redact(error.stack) };
}
