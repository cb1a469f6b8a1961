import {
  GraphQLError,
  isObjectType,
  Kind,
  OperationTypeNode,
  type ArgumentNode,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from '../../shared/pagination';

export interface DocumentLimits {
  maxDepth: number;
  maxComplexity: number;
}

interface Cost {
  depth: number;
  complexity: number;
}

/**
 * One validation rule for both limits, so a document too big to run is refused (400
 * graphql_too_complex) before any resolver runs. Depth counts nested selection sets (fragments
 * spread in place); complexity counts each field once, times the `first` of every list above it
 * (a `first` given as a variable counts as the largest page, 100). Introspection fields count too.
 */
export function documentLimitsRule(limits: DocumentLimits): (context: ValidationContext) => ASTVisitor {
  return (context) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const paged = pagedFields(context);
    return {
      OperationDefinition(operation: OperationDefinitionNode) {
        const cost = measure(operation.selectionSet, { fragments, paged, limits, costs: new Map() }, new Set());
        const name = operation.name ? ` ${operation.name.value}` : '';
        if (operation.operation === OperationTypeNode.MUTATION && rootFields(operation.selectionSet, fragments, new Set()) > 1) {
          context.reportError(
            tooComplex(`The operation${name} asks for several mutations; send one per request, as the rate limits count requests`),
          );
        } else if (cost.depth > limits.maxDepth) {
          context.reportError(tooComplex(`The operation${name} is nested ${cost.depth} deep; at most ${limits.maxDepth} is allowed`));
        } else if (cost.complexity > limits.maxComplexity) {
          context.reportError(
            tooComplex(`The operation${name} costs more than ${limits.maxComplexity} (fields times the pages they ask for)`),
          );
        }
      },
    };
  };
}

/**
 * The root fields a selection runs (through fragments), counted up to 2. One request runs one
 * mutation: a REST call is one operation and the rate limits count calls, so a hundred aliased
 * transfers in one document would pass them by.
 */
function rootFields(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, spread: Set<string>): number {
  let count = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) count += selection.name.value === '__typename' ? 0 : 1;
    else if (selection.kind === Kind.INLINE_FRAGMENT) count += rootFields(selection.selectionSet, fragments, spread);
    else {
      const fragment = fragments.get(selection.name.value);
      if (!fragment || spread.has(selection.name.value)) continue;
      count += rootFields(fragment.selectionSet, fragments, new Set([...spread, selection.name.value]));
    }
    if (count > 1) break;
  }
  return count;
}

function tooComplex(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'graphql_too_complex' } });
}

/** Stops counting once over a limit: a hostile document costs the server no more than that. */
interface Walk {
  fragments: Map<string, FragmentDefinitionNode>;
  /** Names of the fields that take `first` (lists): without it they answer the default page. */
  paged: Set<string>;
  limits: DocumentLimits;
  /**
   * Each fragment's cost, measured once: a fragment spread twice in each of n nested fragments
   * would otherwise be walked 2^n times (a document of a few hundred bytes, a CPU held for hours).
   */
  costs: Map<string, Cost>;
}

function pagedFields(context: ValidationContext): Set<string> {
  const names = new Set<string>();
  for (const type of Object.values(context.getSchema().getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.args.some((a) => a.name === 'first')) names.add(field.name);
    }
  }
  return names;
}

function measure(set: SelectionSetNode, walk: Walk, inFragments: Set<string>): Cost {
  const { fragments, limits } = walk;
  let depth = 0;
  let complexity = 0;
  for (const selection of set.selections) {
    let child: Cost = { depth: 0, complexity: 0 };
    if (selection.kind === Kind.FIELD) {
      const inner = selection.selectionSet ? measure(selection.selectionSet, walk, inFragments) : { depth: 0, complexity: 0 };
      child = {
        depth: inner.depth + (selection.selectionSet ? 1 : 0),
        complexity: 1 + pageSize(selection.name.value, selection.arguments ?? [], walk.paged) * inner.complexity,
      };
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      child = measure(selection.selectionSet, walk, inFragments);
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      // An unknown or cyclic spread is the spec's own rules' to report: count nothing for it here.
      if (!fragment || inFragments.has(name)) continue;
      const known = walk.costs.get(name);
      if (known) child = known;
      else {
        child = measure(fragment.selectionSet, walk, new Set([...inFragments, name]));
        walk.costs.set(name, child);
      }
    }
    depth = Math.max(depth, child.depth);
    complexity += child.complexity;
    if (depth > limits.maxDepth || complexity > limits.maxComplexity) break;
  }
  return { depth, complexity: Math.min(complexity, Number.MAX_SAFE_INTEGER) };
}

function pageSize(field: string, args: readonly ArgumentNode[], paged: Set<string>): number {
  const first = args.find((a) => a.name.value === 'first');
  if (!first) return paged.has(field) ? PAGE_SIZE_DEFAULT : 1;
  if (first.value.kind === Kind.INT) {
    const n = Number(first.value.value);
    return Number.isSafeInteger(n) && n > 0 ? Math.min(n, PAGE_SIZE_MAX) : 1;
  }
  return PAGE_SIZE_MAX;
}
