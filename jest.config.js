/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests', '<rootDir>/packages'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  // The packages import their own files as ESM does ("./client.js" for client.ts), and resolve
  // @ocp/sdk to its TypeScript source through the export condition "ocp-source".
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironmentOptions: { customExportConditions: ['ocp-source', 'node', 'node-addons'] },
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
    // The dashboard's components (its unit tests render them with react-dom/server), with React's automatic runtime.
    '^.+\\.tsx$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } }, target: 'es2022' },
        module: { type: 'commonjs' },
      },
    ],
    // pkijs and asn1js (Apple Pay's PKCS#7) and jose 6 (required by @a2a-js/sdk's CommonJS build) ship
    // only as ES modules, which Jest on Node 20 cannot require (Node itself can, from 20.19).
    '^.+\\.js$': ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(pkijs|asn1js|bytestreamjs|@peculiar|@noble|jose)/)'],
  // Migrates one PGlite and dumps it; each file's database starts from that dump (tests/support/pglite-snapshot.ts).
  globalSetup: '<rootDir>/tests/support/global-setup.ts',
  runtime: '<rootDir>/tests/support/code-cache-runtime.js',
  // Two cores: one worker each. Every test file builds its own database, so files run in parallel safely.
  maxWorkers: 2,
  // Each test file leaves ~20 MB behind in its worker (Jest's own test context is kept by timers
  // Node keeps for the process); a fresh worker past this costs a second instead of ever slower GCs.
  workerIdleMemoryLimit: '800MB',
  // Generous: a loaded 2-core machine can take tens of seconds to start an embedded database.
  testTimeout: 60_000,
  // Only with --coverage (npm run coverage). V8's own coverage: no instrumenting transform, but the
  // per-file conversion still costs (the unit tests take twice the CPU), so CI runs it on one pass.
  // Scripts run as child processes (backup, migrate, npm start) are not counted.
  coverageProvider: 'v8',
  collectCoverageFrom: ['src/**/*.ts'],
  coverageReporters: ['text-summary', 'json-summary'],
  // The floor, from the figures of 2026-12-06 (PostgreSQL pass: lines 98.45 %, branches 93.37 %),
  // rounded down. Raise it when coverage rises; never lower it.
  coverageThreshold: { global: { lines: 98, branches: 93 } },
};
