import { jsonScalarOf, type MetadataFilter } from '../../shared/metadata';

/**
 * The SQL condition for a metadata filter on a JSONB column, with its values appended to `params`
 * (placeholders only: keys and values never enter the SQL text). Each key's condition is a
 * containment (`@>`), which the GIN index (jsonb_path_ops) of migration 0240 answers. A value that
 * is the JSON text of a number, boolean or null also matches that scalar, so `metadata[count]=3`
 * finds {"count": 3} as well as {"count": "3"}. No filter: TRUE.
 *
 * The indexes are partial (`WHERE metadata <> '{}'`): most transfers carry no metadata, and leaving
 * them out keeps the index off their insert path. The condition repeats that predicate, which a
 * filter of at least one pair implies anyway, so the planner may use them.
 */
export function metadataCondition(column: string, filter: MetadataFilter | undefined, params: unknown[]): string {
  const conditions = Object.entries(filter ?? {}).map(([key, text]) => {
    const alternatives: unknown[] = [text];
    const scalar = jsonScalarOf(text);
    if (scalar !== undefined) alternatives.push(scalar);
    const matches = alternatives.map((value) => {
      params.push(JSON.stringify({ [key]: value }));
      return `${column} @> $${params.length}::jsonb`;
    });
    return matches.length === 1 ? matches[0]! : `(${matches.join(' OR ')})`;
  });
  return conditions.length === 0 ? 'TRUE' : [`${column} <> '{}'::jsonb`, ...conditions].join(' AND ');
}
