import fc from 'fast-check';
import { hostileJson, hostileNumber, hostileString } from './hostile-values';

/** The JSON Schema subset zod-to-openapi writes into the OpenAPI document. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  example?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  additionalProperties?: boolean | JsonSchema;
}

export interface SchemaContext {
  components: Record<string, JsonSchema>;
  /** Ids of resources that exist, so that a request can get past its 404s. */
  ids: readonly string[];
}

/**
 * Values that mostly follow the schema (so they reach the service and the database) with, at any
 * leaf, a hostile value instead: the fuzzer's bad input rides inside otherwise well-formed requests.
 */
export function schemaValue(schema: JsonSchema, ctx: SchemaContext, name = '', depth = 0): fc.Arbitrary<unknown> {
  const wellFormed = validValue(schema, ctx, name, depth);
  if (isContainer(schema, ctx)) return wellFormed;
  return fc.oneof({ weight: 3, arbitrary: wellFormed }, { weight: 1, arbitrary: hostileFor(schema, ctx) });
}

function hostileFor(schema: JsonSchema, ctx: SchemaContext): fc.Arbitrary<unknown> {
  const type = resolve(schema, ctx).type;
  if (type === 'integer' || type === 'number') return fc.oneof(hostileNumber(), hostileJson());
  if (type === 'string') return fc.oneof({ weight: 3, arbitrary: hostileString() }, { weight: 1, arbitrary: hostileJson() });
  return hostileJson();
}

function isContainer(schema: JsonSchema, ctx: SchemaContext): boolean {
  const s = resolve(schema, ctx);
  return s.type === 'object' || s.type === 'array' || s.properties !== undefined;
}

function resolve(schema: JsonSchema, ctx: SchemaContext): JsonSchema {
  if (!schema.$ref) return schema;
  const target = ctx.components[schema.$ref.replace('#/components/schemas/', '')];
  return target ? resolve(target, ctx) : {};
}

function validValue(schema: JsonSchema, ctx: SchemaContext, name: string, depth: number): fc.Arbitrary<unknown> {
  const s = resolve(schema, ctx);
  if (depth > 6) return fc.constant(null);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((a) => schemaValue(a, ctx, name, depth + 1)));
  if (s.allOf?.length) return schemaValue(s.allOf[s.allOf.length - 1] as JsonSchema, ctx, name, depth + 1);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum?.length) return fc.constantFrom(...s.enum);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'object':
      return objectValue(s, ctx, depth);
    case 'array':
      return fc.array(schemaValue(s.items ?? {}, ctx, name, depth + 1), {
        minLength: Math.min(s.minItems ?? 0, 3),
        maxLength: Math.min(s.maxItems ?? 3, 3),
      });
    case 'integer':
      return fc.integer({ min: Math.max(s.minimum ?? -1000, -1e9), max: Math.min(s.maximum ?? 100_000, 1e9) });
    case 'number':
      return fc.double({ min: s.minimum ?? -1000, max: s.maximum ?? 100_000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'string':
      return stringValue(s, ctx, name);
    default:
      return s.properties ? objectValue(s, ctx, depth) : hostileJson();
  }
}

function objectValue(s: JsonSchema, ctx: SchemaContext, depth: number): fc.Arbitrary<unknown> {
  const props = s.properties ?? {};
  const required = new Set(s.required ?? []);
  const entries = Object.entries(props).map(([key, prop]) => {
    const value = schemaValue(prop, ctx, key, depth + 1);
    // A required field is left out now and then, an optional one often.
    return [
      key,
      required.has(key) ? fc.option(value, { freq: 20, nil: undefined }) : fc.option(value, { freq: 2, nil: undefined }),
    ] as const;
  });
  const record = fc.record(Object.fromEntries(entries) as Record<string, fc.Arbitrary<unknown>>);
  return fc
    .tuple(record, fc.option(fc.tuple(fc.constantFrom('extra', '\u0000', '\ud800', 'constructor'), hostileJson()), { freq: 15 }))
    .map(([value, extra]) => {
      const object = Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined));
      if (extra) object[extra[0]] = extra[1];
      return object;
    });
}

function stringValue(s: JsonSchema, ctx: SchemaContext, name: string): fc.Arbitrary<string> {
  const options: fc.Arbitrary<string>[] = [];
  if (typeof s.example === 'string') options.push(fc.constant(s.example));
  if (s.format === 'date-time')
    options.push(fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()));
  else if (s.format === 'email') options.push(fc.emailAddress());
  else if (s.format === 'uri' || s.format === 'url') options.push(fc.constantFrom('https://example.com/hook', 'http://127.0.0.1:1/x'));
  else if (s.pattern) options.push(fc.stringMatching(new RegExp(s.pattern)));
  if (/id$/i.test(name) || s.format === 'uuid') options.push(fc.constantFrom(...ctx.ids));
  if (options.length === 0) {
    options.push(
      fc.string({ minLength: Math.min(s.minLength ?? 0, 8), maxLength: Math.max(Math.min(s.maxLength ?? 16, 16), s.minLength ?? 0) }),
    );
  }
  return fc.oneof(...options);
}

/**
 * One well-formed value of the schema, the same every time: the required properties (and those
 * `pick` has a value for), each from `pick(name)` when it has one, else the schema's example, enum,
 * minimum or a plain string. For requests that should pass validation and reach the service.
 */
export function exampleValue(schema: JsonSchema, ctx: SchemaContext, pick: (name: string) => unknown, name = '', depth = 0): unknown {
  const picked = pick(name);
  if (picked !== undefined) return picked;
  const s = resolve(schema, ctx);
  if (depth > 6) return null;
  const alternatives = (s.anyOf ?? s.oneOf)?.filter((a) => resolve(a, ctx).type !== 'null');
  if (alternatives?.length) return exampleValue(alternatives[0] as JsonSchema, ctx, pick, name, depth + 1);
  if (s.allOf?.length) return exampleValue(s.allOf[s.allOf.length - 1] as JsonSchema, ctx, pick, name, depth + 1);
  if (s.const !== undefined) return s.const;
  if (s.example !== undefined) return s.example;
  if (s.enum?.length) return s.enum[0];
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  if (type === 'object' || (!type && s.properties)) {
    const required = new Set(s.required ?? []);
    return Object.fromEntries(
      Object.entries(s.properties ?? {})
        .filter(([key]) => required.has(key) || pick(key) !== undefined)
        .map(([key, prop]) => [key, exampleValue(prop, ctx, pick, key, depth + 1)]),
    );
  }
  if (type === 'array')
    return Array.from({ length: Math.max(s.minItems ?? 0, 1) }, () => exampleValue(s.items ?? {}, ctx, pick, name, depth + 1));
  if (type === 'integer' || type === 'number') return Math.max(s.minimum ?? 1, 1);
  if (type === 'boolean') return false;
  if (type === 'string') {
    if (s.format === 'date-time') return new Date(Date.UTC(2099, 0, 1)).toISOString();
    if (s.format === 'email') return 'someone@example.com';
    if (s.format === 'uri' || s.format === 'url') return 'https://example.com/hook';
    return 'x'.repeat(Math.max(s.minLength ?? 1, 1));
  }
  return null;
}
