// Jest for `npm run mutation` only: the fast unit tests of the money core, nothing that starts a
// database. Stryker runs them once per mutant, so every file added here multiplies the run time;
// add a file only if it tests code listed in stryker.config.mjs `mutate`.
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/tests/unit'],
  testMatch: [
    '<rootDir>/tests/unit/money/**/*.test.ts',
    '<rootDir>/tests/unit/ledger/**/*.test.ts',
    '<rootDir>/tests/unit/agent/policy.test.ts',
    '<rootDir>/tests/unit/agent/mandate-constraints.test.ts',
  ],
  // Jest's own runtime: the code-cache runtime of npm test was measured there, not under Stryker's runs.
  runtime: undefined,
  // Stryker runs the mutants side by side (its own concurrency); each Jest runs in-band.
  maxWorkers: 1,
  testTimeout: 10_000,
};
