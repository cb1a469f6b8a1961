// Mutation testing of the money core (`npm run mutation`, issue #18 item 5): Stryker changes the
// code one small way at a time (`>` to `>=`, a condition to `true`, a string to "") and reruns the
// unit tests that cover the change; a mutant that no test notices is a behaviour nobody checks.
// Kept out of .ci/run on purpose: it takes minutes, not seconds. The scope is the DB-free code that
// decides about money; the parts that need a database are covered by the component tests instead.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  plugins: ['@stryker-mutator/jest-runner', './tools/stryker/ignore-openapi-meta.mjs'],
  ignorers: ['openapi-meta'],
  jest: { configFile: 'stryker.jest.config.js', enableFindRelatedTests: false },
  // Each test records which mutants it reaches, so a mutant reruns only the tests that reach it.
  coverageAnalysis: 'perTest',
  // Static mutants (module-level constants: the regexes, the limits, the currency table, the zod
  // schemas' declarations) need every test file reloaded for each one: a fifth of the mutants, most
  // of the time. Left out so the run takes minutes; `ignoreStatic: false` measures them too.
  ignoreStatic: true,
  mutate: [
    'src/shared/money/**/*.ts',
    'src/modules/agent/policy.ts',
    'src/modules/agent/mandate/mandate.constraints.ts',
    // The ledger's pure logic: the events a posting tells and the views of transfers and entries.
    'src/modules/ledger/ledger.events.ts',
    'src/modules/ledger/ledger.schemas.ts',
  ],
  // The sandbox needs only the code and the tests (node_modules is linked, not copied). Not
  // tsconfig.json: Stryker rewrites a tsconfig it finds with TypeScript's JavaScript API, which the
  // root's TypeScript 7 does not have; Jest compiles with swc and never reads it.
  ignorePatterns: ['/*', '!/src', '!/tests', '!/package.json', '!/jest.config.js', '!/stryker.jest.config.js'],
  // Two cores shared with other engineers' test runs.
  concurrency: 2,
  timeoutMS: 10_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
