// A Stryker ignorer for `npm run mutation`: the arguments of zod's `.meta({...})` are OpenAPI
// documentation (descriptions, examples, schema ids), not behaviour. Emptying a description is a
// mutant no unit test should be written against; leaving them in would only lower the score with
// noise. Everything else in the schemas (regexes, bounds, refinements, messages) is still mutated.
// A plain plugin declaration ({ kind, name, value }, as @stryker-mutator/api's declareValuePlugin
// returns it), so this file imports nothing the project does not declare.
export const strykerPlugins = [
  {
    kind: 'Ignore',
    name: 'openapi-meta',
    value: {
      /** @param {import('@babel/core').NodePath} path */
      shouldIgnore(path) {
        const call = path.parentPath;
        if (path.listKey !== 'arguments' || !call || !call.isCallExpression()) return undefined;
        const callee = call.node.callee;
        const isMeta = callee.type === 'MemberExpression' && callee.property.type === 'Identifier' && callee.property.name === 'meta';
        return isMeta ? 'OpenAPI documentation (.meta), not behaviour' : undefined;
      },
    },
  },
];
