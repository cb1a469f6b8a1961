import { metadataCondition } from '../../src/infra/db/metadata-filter';
import { jsonScalarOf, METADATA_BYTES_MAX, metadataFilterSchema, metadataSchema, nestMetadataQuery } from '../../src/shared/metadata';

describe('metadata schema', () => {
  const issues = (value: unknown) => {
    const result = metadataSchema.safeParse(value);
    return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('when metadata is flat and within bounds, then it is accepted as it is', () => {
    const metadata = { orderId: 'ord_1', count: 3, paid: true, note: null, empty: '' };
    expect(metadataSchema.parse(metadata)).toEqual(metadata);
  });

  it('when a key or a value holds a NUL byte or a lone surrogate, then it is refused (whoever calls, not only HTTP)', () => {
    expect(issues({ note: 'a\u0000b' })).toEqual(['note: must not contain NUL bytes or unpaired UTF-16 surrogates']);
    expect(issues({ note: 'a\ud800' })).toHaveLength(1);
    expect(issues({ 'a\u0000': 'x' })).toHaveLength(1);
  });

  it('when the JSON passes the byte bound, then it is refused, counting UTF-8 bytes rather than characters', () => {
    // 9 values of 450 ASCII characters: ~4.2 KB.
    expect(issues(Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`k${i}`, 'x'.repeat(450)])))).toEqual([
      `: at most ${METADATA_BYTES_MAX} bytes as JSON`,
    ]);
    // 8 values of 250 three-byte characters: 250 characters each (under 500), ~6 KB in UTF-8.
    expect(issues(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`k${i}`, '€'.repeat(250)])))).toHaveLength(1);
    expect(issues(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`k${i}`, 'x'.repeat(450)])))).toEqual([]);
  });

  it('when there are 21 keys, a 41-character key, a 501-character value or a nested object, then each is refused', () => {
    expect(issues(Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i])))).toEqual([': at most 20 keys']);
    expect(issues({ ['k'.repeat(41)]: 1 })).toHaveLength(1);
    expect(issues({ k: 'v'.repeat(501) })).toHaveLength(1);
    expect(issues({ k: { nested: 1 } })).toHaveLength(1);
  });
});

describe('metadata[key]=value query filters', () => {
  it('when the query has metadata[...] keys, then they are gathered under metadata and the rest is left alone', () => {
    expect(nestMetadataQuery({ limit: '5', 'metadata[orderId]': '123', 'metadata[a[b]]': 'x' })).toEqual({
      limit: '5',
      metadata: { orderId: '123', 'a[b]': 'x' },
    });
    expect(nestMetadataQuery({ limit: '5' })).toEqual({ limit: '5' });
    expect(nestMetadataQuery({ 'metadata[]': 'x', metadata: 'y' })).toEqual({ metadata: ['y', { '': 'x' }] });
  });

  it('when filters are validated, then one to five string pairs pass', () => {
    expect(metadataFilterSchema.safeParse({}).success).toBe(false);
    expect(metadataFilterSchema.safeParse({ a: '1', b: '2', c: '3', d: '4', e: '5' }).success).toBe(true);
    expect(metadataFilterSchema.safeParse({ a: '1', b: '2', c: '3', d: '4', e: '5', f: '6' }).success).toBe(false);
    expect(metadataFilterSchema.safeParse({ a: ['1', '2'] }).success).toBe(false);
  });

  it('when a filter value is the JSON text of a scalar, then it also matches that scalar', () => {
    expect([jsonScalarOf('123'), jsonScalarOf('-1.5e3'), jsonScalarOf('true'), jsonScalarOf('null')]).toEqual([123, -1500, true, null]);
    expect([jsonScalarOf('0123'), jsonScalarOf('1e999'), jsonScalarOf('ord_1'), jsonScalarOf(' 1')]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('when a condition is built, then keys and values go only into parameters, as containments', () => {
    const params: unknown[] = ['first'];
    const sql = metadataCondition('t.metadata', { "o'rder": 'ord_1', count: '3' }, params);
    expect(sql).toBe("t.metadata <> '{}'::jsonb AND t.metadata @> $2::jsonb AND (t.metadata @> $3::jsonb OR t.metadata @> $4::jsonb)");
    expect(params).toEqual(['first', '{"o\'rder":"ord_1"}', '{"count":"3"}', '{"count":3}']);
    expect(metadataCondition('metadata', undefined, [])).toBe('TRUE');
  });
});
