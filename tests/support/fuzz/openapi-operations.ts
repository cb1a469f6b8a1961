import type { JsonSchema } from './schema-arbitrary';
import type { TestApp } from '../test-app';

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: JsonSchema;
}

export interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body?: JsonSchema;
  /** It names a security scheme: it needs a token. */
  secured: boolean;
}

/** Every operation of the app's OpenAPI document, and the document's component schemas. */
export async function readOperations(t: TestApp): Promise<{ operations: Operation[]; components: Record<string, JsonSchema> }> {
  const doc = (await t.http().get('/openapi.json')).body as {
    paths: Record<
      string,
      Record<string, { parameters?: Parameter[]; security?: unknown[]; requestBody?: { content: Record<string, { schema: JsonSchema }> } }>
    >;
    components?: { schemas?: Record<string, JsonSchema> };
  };
  const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      parameters: op.parameters ?? [],
      body: op.requestBody?.content['application/json']?.schema,
      secured: (op.security ?? []).length > 0,
    })),
  );
  return { operations, components: doc.components?.schemas ?? {} };
}
