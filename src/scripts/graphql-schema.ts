import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { schemaSdl } from '../protocols/graphql';

/** The GraphQL schema as SDL, printed from the code's schema (`npm run graphql:schema`); a unit test compares the two. */
export const GRAPHQL_SCHEMA_PATH = 'docs/graphql/schema.graphql';

if (require.main === module) {
  mkdirSync(dirname(GRAPHQL_SCHEMA_PATH), { recursive: true });
  writeFileSync(GRAPHQL_SCHEMA_PATH, schemaSdl());
}
