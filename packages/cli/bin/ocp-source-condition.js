// A module resolve hook (node:module register) for running the CLI from the repository: packages
// resolve through their "ocp-source" export condition, i.e. @ocp/sdk to its TypeScript source.
export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes('ocp-source') ? context.conditions : [...context.conditions, 'ocp-source'];
  return nextResolve(specifier, { ...context, conditions });
}
