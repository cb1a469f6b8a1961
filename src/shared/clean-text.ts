/**
 * Text PostgreSQL can store and every client can read back: no NUL (PostgreSQL's text refuses
 * U+0000) and no lone UTF-16 surrogate (it has no UTF-8 form; it would be stored as U+FFFD and
 * no longer match what the client sent).
 */
// eslint-disable-next-line no-control-regex -- finding the NUL byte is the point
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function isCleanText(value: string): boolean {
  return !UNSTORABLE.test(value);
}
