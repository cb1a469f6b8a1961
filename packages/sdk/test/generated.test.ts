import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { formatOpenApiDocument, SDK_FACTS_PATH, SDK_OPENAPI_PATH, sdkFacts } from '../../../src/scripts/openapi-document';
import { startTestApp, type TestApp } from '../../../tests/support/test-app';

// The SDK is generated from the API's document: these fail when the API changed and the SDK was
// not regenerated (npm run sdk:generate). .ci/run's sdk:check compares the types made from it.
let t: TestApp;
let document: Parameters<typeof sdkFacts>[0];
beforeAll(async () => {
  t = await startTestApp();
  document = (await t.http().get('/openapi.json')).body as typeof document;
});
afterAll(async () => {
  await t.close();
});

test('the committed OpenAPI document is the one the API serves', () => {
  expect(readFileSync(SDK_OPENAPI_PATH, 'utf8') === formatOpenApiDocument(document)).toBe(true);
});

test("the SDK's runtime facts (idempotent operations, currency exponents) are up to date", () => {
  expect(readFileSync(SDK_FACTS_PATH, 'utf8')).toBe(sdkFacts(document));
});

test('every REST operation describes the body of its success, so no generated type is left untyped', () => {
  const untyped = Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations as Record<string, { responses: Record<string, { content?: unknown }> }>).flatMap(([method, operation]) =>
      Object.entries(operation.responses)
        .filter(([status, response]) => path.startsWith('/api/v1/') && /^2/.test(status) && status !== '204' && !response.content)
        .map(([status]) => `${method.toUpperCase()} ${path} ${status}`),
    ),
  );
  expect(untyped).toEqual([]);
  expect(readFileSync(SDK_OPENAPI_PATH.replace('openapi.json', 'src/generated/schema.ts'), 'utf8')).not.toMatch(/^[^*]*\bany\b/m);
});
