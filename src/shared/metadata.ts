import { z } from 'zod';
import { isCleanText } from './clean-text';

/**
 * Metadata: the caller's own flat key/value pairs on wallets and transfers, searchable with
 * `metadata[key]=value` on the lists. One schema for every resource that carries it, so the bounds
 * are the same everywhere.
 */
export const METADATA_KEYS_MAX = 20;
export const METADATA_KEY_LENGTH_MAX = 40;
export const METADATA_STRING_LENGTH_MAX = 500;
/** Of the whole object as compact JSON, in UTF-8: 20 keys of 500 characters would otherwise reach 10 KB. */
export const METADATA_BYTES_MAX = 4096;
/** `metadata[key]=value` pairs one list request may filter by. */
export const METADATA_FILTERS_MAX = 5;

export type MetadataValue = string | number | boolean | null;
export type Metadata = Record<string, MetadataValue>;
/** Key → the text the value must match (see matchesMetadataFilter for how numbers and booleans match). */
export type MetadataFilter = Record<string, string>;

const clean = (s: string) => isCleanText(s);
const CLEAN_MESSAGE = 'must not contain NUL bytes or unpaired UTF-16 surrogates';

const metadataKey = z.string().min(1).max(METADATA_KEY_LENGTH_MAX).refine(clean, CLEAN_MESSAGE);
const metadataText = z.string().max(METADATA_STRING_LENGTH_MAX).refine(clean, CLEAN_MESSAGE);

export const metadataSchema = z
  .record(metadataKey, z.union([metadataText, z.number(), z.boolean(), z.null()]))
  .refine((m) => Object.keys(m).length <= METADATA_KEYS_MAX, `at most ${METADATA_KEYS_MAX} keys`)
  .refine((m) => Buffer.byteLength(JSON.stringify(m)) <= METADATA_BYTES_MAX, `at most ${METADATA_BYTES_MAX} bytes as JSON`)
  .meta({
    description:
      `Up to ${METADATA_KEYS_MAX} flat key/value pairs: keys of 1–${METADATA_KEY_LENGTH_MAX} characters, values strings ` +
      `of up to ${METADATA_STRING_LENGTH_MAX} characters, numbers, booleans or null; at most ${METADATA_BYTES_MAX} bytes as JSON`,
  });

export const metadataFilterSchema = z
  .record(metadataKey, metadataText)
  .refine((f) => Object.keys(f).length >= 1, 'name at least one key, as metadata[key]=value')
  .refine((f) => Object.keys(f).length <= METADATA_FILTERS_MAX, `at most ${METADATA_FILTERS_MAX} metadata filters`)
  .meta({
    description:
      `metadata[key]=value, up to ${METADATA_FILTERS_MAX} times: only items whose metadata has each key with that value ` +
      '(a string equal to it, or a number, boolean or null whose JSON text it is)',
    param: { style: 'deepObject', explode: true },
  });

const FILTER_KEY = /^metadata\[(.*)\]$/s;

/**
 * Express 5's query parser keeps `metadata[orderId]=123` as a key of its own ("metadata[orderId]"),
 * unlike the nested objects of the old `qs` parser. Used as a zod preprocess on a list's query:
 * gathers those keys under `metadata`, so the filter is validated (and documented, as a deepObject
 * parameter) like any other field. Anything else is left for the schema to judge.
 */
export function nestMetadataQuery(raw: unknown): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const rest: Record<string, unknown> = {};
  const filter: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const match = FILTER_KEY.exec(key);
    if (match) filter[match[1]!] = value;
    else rest[key] = value;
  }
  if (Object.keys(filter).length === 0) return raw;
  // `?metadata=x` beside `metadata[k]=v`: keep both visible to the schema, which refuses the mix.
  return { ...rest, metadata: rest.metadata === undefined ? filter : [rest.metadata, filter] };
}

/** The JSON scalar whose text the filter value is ("123" → 123, "true" → true), or undefined for plain text. */
export function jsonScalarOf(text: string): number | boolean | null | undefined {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null') return null;
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(text)) {
    const number = Number(text);
    if (Number.isFinite(number)) return number;
  }
  return undefined;
}
