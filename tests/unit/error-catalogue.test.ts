import { readFileSync } from 'node:fs';
import { catalogueRows, ERROR_CATALOGUE, STATUS_BY_KIND } from '../../src/shared/error-catalogue';
import { ERROR_DOCS_PATH, renderErrorDocs } from '../../src/scripts/error-docs';

describe('error catalogue', () => {
  it('when docs/errors.md is compared with the catalogue, then it is what `npm run docs:errors` generates', () => {
    expect(readFileSync(ERROR_DOCS_PATH, 'utf8')).toBe(renderErrorDocs());
  });

  it('when a catalogue kind is looked up, then it maps to an HTTP error status', () => {
    const kinds = new Set(catalogueRows().map((row) => row.kind));
    for (const kind of kinds) {
      const status: unknown = STATUS_BY_KIND[kind];
      expect({ kind, status }).toEqual({ kind, status: expect.any(Number) });
      expect(STATUS_BY_KIND[kind] >= 400 && STATUS_BY_KIND[kind] <= 599).toBe(true);
    }
  });

  it('when the modules are merged, then each code is listed under one module only', () => {
    const codes = Object.values(ERROR_CATALOGUE).flatMap((codes) => Object.keys(codes));
    const repeated = codes.filter((code, i) => codes.indexOf(code) !== i);
    expect(repeated).toEqual([]);
    expect(catalogueRows()).toHaveLength(codes.length);
  });

  it('when a code is written, then it is lower snake case and its meaning is one sentence or more', () => {
    for (const row of catalogueRows()) {
      expect(row.code).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(row.meaning).toMatch(/^[A-Z].*\.$/);
    }
  });
});
