// The lint configuration and its packages live in tools/lint (see there why); this file lets
// editors and a plain `eslint` find it from the repository root.
export { default } from './tools/lint/eslint.config.mjs';
