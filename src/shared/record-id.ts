/**
 * Whether a value arriving from outside could name a record OCP keeps (a merchant, an agent, a
 * signing key): 1 to 128 printable ASCII characters, as every id OCP issues is. Some reach a
 * lookup past the edge guard, which refuses NUL bytes and lone surrogates in JSON and paths but not
 * inside a base64url JWS header, nor in a path a middleware reads before any route's validation; a
 * NUL reaching PostgreSQL would be a 500. Anything else names nothing and is not looked up.
 */
export function couldNameRecord(id: unknown): id is string {
  return typeof id === 'string' && /^[\x21-\x7e]{1,128}$/.test(id);
}
