/**
 * JSON Canonicalization Scheme (RFC 8785), the bytes UCP's AP2 signatures cover: object keys sorted
 * by UTF-16 code units, numbers as ECMAScript serialises them, strings escaped as JSON.stringify
 * does (which is what §3.2.2.2 asks), no whitespace. Only JSON values are accepted: a non-finite
 * number, a lone surrogate, a bigint, a function or a non-plain object throws a TypeError rather
 * than producing bytes another implementation would not. Object properties whose value is
 * `undefined` are left out, as JSON.stringify leaves them out of the body that goes on the wire.
 */
export function canonicalJson(value: unknown): string {
  return serialise(value, 0);
}

/** Deeper than any checkout; stops a cyclic or hostile value before the stack does. */
const DEPTH_MAX = 64;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function serialise(value: unknown, depth: number): string {
  if (depth > DEPTH_MAX) throw new TypeError('canonicalJson: value nested too deeply');
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonicalJson: numbers must be finite');
      // ECMAScript Number-to-String, which RFC 8785 §3.2.2.3 adopts (and -0 becomes 0).
      return JSON.stringify(value);
    case 'string':
      if (LONE_SURROGATE.test(value)) throw new TypeError('canonicalJson: strings must be valid Unicode');
      return JSON.stringify(value);
    case 'object':
      if (Array.isArray(value)) return `[${value.map((item) => serialise(item, depth + 1)).join(',')}]`;
      if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
        throw new TypeError('canonicalJson: only plain objects and arrays are JSON');
      }
      return serialiseObject(value as Record<string, unknown>, depth);
    default:
      throw new TypeError(`canonicalJson: a ${typeof value} is not JSON`);
  }
}

function serialiseObject(object: Record<string, unknown>, depth: number): string {
  // The default sort compares UTF-16 code units, as §3.2.3 requires.
  const keys = Object.keys(object)
    .filter((key) => object[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${serialise(key, depth + 1)}:${serialise(object[key], depth + 1)}`).join(',')}}`;
}
