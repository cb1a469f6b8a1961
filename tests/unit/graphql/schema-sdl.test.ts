import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { schemaSdl } from '../../../src/protocols/graphql';
import { GRAPHQL_SCHEMA_PATH } from '../../../src/scripts/graphql-schema';

describe('docs/graphql/schema.graphql', () => {
  it('when the code schema is printed, then it is the committed SDL byte for byte (run `npm run graphql:schema` after a change)', () => {
    expect(readFileSync(GRAPHQL_SCHEMA_PATH, 'utf8')).toBe(schemaSdl());
  });
});
