import fc from 'fast-check';

/**
 * Inputs that broke the API before (issue 15): NUL bytes, lone UTF-16 surrogates, dates outside what
 * PostgreSQL or ISO 8601 accept, numbers past 2^63, and the usual suspects around them.
 */
export const HOSTILE_STRINGS: readonly string[] = [
  '\u0000',
  'a\u0000b',
  '%00',
  '\ud800',
  'x\udfffy',
  '\ud83d',
  '0000-01-01',
  '0000-01-01T00:00:00Z',
  '0000-01-01T00:00:00.000Z',
  '-271821-04-20T00:00:00Z',
  '+275760-09-13T00:00:00.000Z',
  '9999-12-31T23:59:59.999Z',
  '2024-02-30T00:00:00Z',
  '2024-13-01T00:00:00Z',
  '1970-01-01T00:00:00+25:00',
  '99999999999999999999999',
  '9223372036854775808',
  '-9223372036854775809',
  '18446744073709551616',
  '1e400',
  '-1',
  '0x10',
  'NaN',
  'Infinity',
  '',
  ' ',
  '../../etc/passwd',
  "' OR 1=1 --",
  '$1',
  '{"$gt":""}',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '\u202e\ufeff',
  '😀'.repeat(20),
  'A'.repeat(5000),
];

export const HOSTILE_NUMBERS: readonly number[] = [
  2 ** 63,
  2 ** 64,
  -(2 ** 63) - 4096,
  1e300,
  -1e300,
  Number.MAX_SAFE_INTEGER + 2,
  0.5,
  -0,
  -1,
  2 ** 31,
];

/** A cursor is opaque base64url JSON: forge ones whose date or id the database cannot take. */
const forgedCursors = [
  '0000-01-01T00:00:00.000Z',
  '+275760-09-13T00:00:00.000Z',
  '-271821-04-20T00:00:00.000Z',
  '2024-01-01T00:00:00Z',
].flatMap((date) =>
  ['\u0000', 'not-a-uuid', '\ud800', '00000000-0000-0000-0000-000000000000'].map((id) =>
    Buffer.from(JSON.stringify([date, id])).toString('base64url'),
  ),
);

export const hostileString = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
    { weight: 2, arbitrary: fc.constantFrom(...forgedCursors) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 8 }).map((s) => `${s}\u0000${s}`) },
  );

export const hostileNumber = (): fc.Arbitrary<number> => fc.constantFrom(...HOSTILE_NUMBERS);

/** Anything JSON can carry, hostile or not, for a field whose type the fuzzer ignores. */
export const hostileJson = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 4, arbitrary: hostileString() },
    { weight: 2, arbitrary: hostileNumber() },
    { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [null], { '\u0000': 1 }, { __proto__: 1 }) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 30 }).map(nestedArrays) },
  );

export function nestedArrays(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** Raw request bodies that JSON.stringify cannot produce. */
export const RAW_BODIES: readonly string[] = [
  '['.repeat(20_000) + ']'.repeat(20_000),
  '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000),
  `{"amount": 99999999999999999999999999999999}`,
  `{"amount": 1e999}`,
  '{"a":"\\u0000"}',
  '{"a":"\\ud800"}',
  '"\\ud800"',
  'null',
  '[]',
  '{',
  '\u0000',
];

/** Percent-encodes a path segment, including lone surrogates that encodeURIComponent refuses. */
export function encodeSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return [...value]
      .map((ch) => {
        try {
          return encodeURIComponent(ch);
        } catch {
          const code = ch.charCodeAt(0);
          // The CESU-8 bytes of a lone surrogate: not valid UTF-8, so the server must refuse them.
          return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
            .map((b) => `%${b.toString(16).toUpperCase()}`)
            .join('');
        }
      })
      .join('');
  }
}
