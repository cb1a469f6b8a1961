import { isCleanText } from '../shared/clean-text';
import { ValidationFailed } from '../shared/errors';

/** Deeper JSON than this is refused before anything walks it recursively (schemas, request hashing). */
export const JSON_DEPTH_MAX = 32;

/** JSON.parse keeps it as an own key, but schemas skip it (zod's records do) and an assignment sets the prototype. */
const PROTO_KEY = '__proto__';

/**
 * Refuses input no route can use, in one place at the edge, before validation: strings or keys with
 * a NUL byte or a lone UTF-16 surrogate (PostgreSQL refuses the first, and turns the second into
 * U+FFFD), a `__proto__` key (it would vanish unvalidated rather than be refused), and nesting
 * deeper than JSON_DEPTH_MAX. Walks iteratively, so a hostile depth cannot exhaust the stack here either.
 */
export function assertCleanInput(value: unknown, where: string): void {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: where, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, path, depth } = stack.pop() as (typeof stack)[number];
    if (typeof current === 'string') {
      if (!isCleanText(current)) refuse(path, 'must not contain NUL bytes or unpaired UTF-16 surrogates');
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth >= JSON_DEPTH_MAX) refuse(path, `must not be nested deeper than ${JSON_DEPTH_MAX} levels`);
    for (const [key, child] of Object.entries(current)) {
      const childPath = `${path}.${key}`;
      if (!isCleanText(key)) refuse(path, 'keys must not contain NUL bytes or unpaired UTF-16 surrogates');
      if (key === PROTO_KEY) refuse(childPath, 'is not accepted as a key');
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
}

function refuse(field: string, message: string): never {
  throw new ValidationFailed(`Invalid request: ${field}: ${message}`, { fields: [{ field, message }] });
}
