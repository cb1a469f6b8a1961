/**
 * A JWS header's `kid` worth looking up: 1 to 128 printable ASCII characters, as every key id OCP
 * issues is. The header arrives base64url-encoded, past the edge guard that refuses NUL bytes and
 * lone surrogates in JSON, so anything else (a NUL reaching PostgreSQL is a 500) names no key.
 */
export function isKeyId(kid: unknown): kid is string {
  return typeof kid === 'string' && /^[\x21-\x7e]{1,128}$/.test(kid);
}
