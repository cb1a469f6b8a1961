// ESLint 9 flat config with typescript-eslint's type-aware rules. The rules enforce what STYLE.md
// and DESIGN.md ask for: no console (the logger only), no floating promises in money paths, no
// process.env outside src/config, no services importing adapters or Express, no raw SQL outside
// adapters. The import rules between layers and modules are dependency-cruiser's (.dependency-cruiser.cjs).
//
// It lives in tools/lint with its own package.json because typescript-eslint needs TypeScript's
// JavaScript API (typescript < 6.1), which the root's TypeScript 7 does not have: npm refuses both
// in one tree (ERESOLVE). `npm run lint:install` installs it; `npm run lint` runs it on the root.
import { resolve } from 'node:path';
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const ROOT = resolve(import.meta.dirname, '../..');

const SQL_START = '/^\\s*(SELECT|INSERT\\s+INTO|UPDATE\\s+\\w+\\s+SET|DELETE\\s+FROM|WITH\\s+\\w+\\s+AS)\\b/';
const SQL_MESSAGE = 'Raw SQL belongs in an adapter (src/modules/<name>/adapters/): put the query behind a port.';
/** Selectors for SQL text and query calls, used outside adapters. */
export const RAW_SQL_OUTSIDE_ADAPTERS = [
  { selector: `Literal[value=${SQL_START}]`, message: SQL_MESSAGE },
  { selector: `TemplateLiteral > TemplateElement:first-child[value.raw=${SQL_START}]`, message: SQL_MESSAGE },
  { selector: "CallExpression[callee.property.name='query']", message: SQL_MESSAGE },
];

export default tseslint.config(
  // .stryker-tmp holds `npm run mutation`'s sandbox: copies of src and tests, mutated and marked @ts-nocheck.
  { ignores: ['**/node_modules/**', 'data/**', 'backups/**', 'coverage/**', '**/dist/**', '.stryker-tmp/**', 'reports/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: ROOT },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/ban-ts-comment': 'error',
      // Express's global Request augmentation is a declaration, not a runtime namespace.
      '@typescript-eslint/no-namespace': ['error', { allowDeclarations: true }],
      // Adapters implement async ports without awaiting (the memory cache, the sandbox processor).
      '@typescript-eslint/require-await': 'off',
      // The linter's TypeScript (6.0) and tsc (7.0) disagree on some narrowings: tsc decides.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // Error messages interpolate unknown causes on purpose; no-base-to-string still catches "[object Object]".
      '@typescript-eslint/restrict-template-expressions': 'off',
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read settings through src/config/config.ts (the only reader of process.env).' },
      ],
    },
  },
  {
    // The one reader of process.env, the scripts' entry points and the test harness (which passes the
    // environment on to the app under test and to the scripts it runs); and the examples, which are
    // other people's programs (a merchant's server), not OCP. The backup tools hand the environment (PATH)
    // on to pg_dump / pg_basebackup / pg_ctl with PGPASSWORD added.
    files: [
      'src/config/config.ts',
      'tests/**',
      'bench/**',
      'examples/**',
      'src/infra/db/backup/postgres-backup.ts',
      'src/infra/db/backup/pitr-tools.ts',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // Tools and the command-line client are programs run by a person in a terminal: they read their
    // own environment (OCP_URL, the config folder) and write to their own streams (still no console).
    files: ['tools/**', 'packages/cli/**'],
    languageOptions: { globals: { URL: 'readonly', process: 'readonly' } },
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // The admin dashboard is a browser app: its globals are the DOM's, and React's two rules of hooks
    // catch what types cannot (a hook called conditionally, an effect missing a dependency).
    files: ['packages/dashboard/**/*.ts', 'packages/dashboard/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    // Services hold the business rules: no Express, no adapter (DESIGN.md "Layers").
    files: ['src/modules/**/*.service.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['express'], message: 'Services know nothing of Express.' },
            { group: ['**/adapters/*'], message: 'Services depend on ports; the container picks the adapter.' },
          ],
        },
      ],
    },
  },
  {
    // Raw SQL lives in adapters (DESIGN.md "Layers"): a service, route, port or shared helper hands
    // its SqlClient to a repository instead of writing a query. src/infra (the database itself)
    // and src/scripts (backup, restore, migrations) are adapters by nature. The module layer rules
    // (imports between layers and modules) are checked by dependency-cruiser: .dependency-cruiser.cjs.
    files: ['src/**/*.ts'],
    ignores: ['src/modules/**/adapters/**', 'src/modules/**/providers/**', 'src/infra/**', 'src/scripts/**'],
    rules: { 'no-restricted-syntax': ['error', ...RAW_SQL_OUTSIDE_ADAPTERS] },
  },
  {
    // Tests assert on untyped JSON bodies; the type-aware "unsafe" rules would only add casts.
    files: ['tests/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  {
    // Plain JavaScript (jest.config.js, the image's health check, this file): outside tsconfig.
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: { require: 'readonly', process: 'readonly', module: 'writable', __dirname: 'readonly', console: 'readonly' },
    },
    rules: { 'no-restricted-properties': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['**/*.js', '**/*.cjs'], languageOptions: { sourceType: 'commonjs' } },
);
