// Generates packages/sdk/src/generated/schema.ts from packages/sdk/openapi.json (written just before by
// src/scripts/openapi-document.ts). With --check it writes nothing and fails when the committed
// types differ from a fresh generation: the SDK can never drift from the API.
import { readFileSync, writeFileSync } from 'node:fs';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';

const documentUrl = new URL('../../packages/sdk/openapi.json', import.meta.url);
const typesUrl = new URL('../../packages/sdk/src/generated/schema.ts', import.meta.url);

const document = JSON.parse(readFileSync(documentUrl, 'utf8'));
const types = COMMENT_HEADER + astToString(await openapiTS(document));

if (process.argv.includes('--check')) {
  if (readFileSync(typesUrl, 'utf8') !== types) {
    process.stderr.write('packages/sdk/src/generated/schema.ts differs from a fresh generation: run npm run sdk:generate and commit it\n');
    process.exit(1);
  }
  process.stdout.write('packages/sdk/src/generated/schema.ts matches the OpenAPI document\n');
} else {
  writeFileSync(typesUrl, types);
  process.stdout.write(`wrote ${typesUrl.pathname}\n`);
}
