// ESLint (flat config): `npm run lint`, run by `npm test` before the tests.
// Modest on purpose: the recommended rules of ESLint, typescript-eslint (without type
// information, so it stays fast) and eslint-plugin-vue (essential), plus two rules of the
// project: no deep imports into a library, and no `any` in domain and projection code.
import js from '@eslint/js';
import pluginVue from 'eslint-plugin-vue';
import tseslint from 'typescript-eslint';

/**
 * A library is entered through its index.ts only (browser.ts for the parts a browser may
 * load: libs/contracts and libs/event-envelope). Matched on the import specifier:
 * - the alias form: `@swarmtube/x` is fine, `@swarmtube/x/anything` is not;
 * - from outside libs/: any path through `libs/<x>/` that is not `libs/<x>/src/index.js`
 *   (or browser.js), e.g. `../../libs/event-store/src/sqlite/sqlite-event-store.js`;
 * - from another library: `../../<x>/src/<anything but index.js or browser.js>`.
 * A library's own files import each other relatively (`./x.js`, `../shared/x.js`): untouched.
 */
const ENTRY = '(?:index|browser)\\.js$';
const deepImports = {
  patterns: [
    { regex: '^@swarmtube/[^/]+/.', message: 'import a library by its name only (@swarmtube/<lib>): its index.ts is its door.' },
    { regex: `(?:^|/)libs/[^/]+/(?!src/${ENTRY})`, message: "a library is imported through its src/index.js (or src/browser.js in browser code), not its inner files." },
    { regex: `^(?:\\.\\./)+[a-z0-9-]+/src/(?!${ENTRY})`, message: "another library is imported through its src/index.js, not its inner files." },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'test-results/**', 'patches/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/essential'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: {
        // Node and browser code share this repository; `no-undef` is off for TypeScript below
        // (the compiler checks names), so these serve the .js/.mjs scripts only.
        process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly',
      },
    },
    rules: {
      'no-restricted-imports': ['error', deepImports],
      // Tests, fixtures and protocol code read untyped JSON with `any`; domain and projection
      // code may not (below), where every event is a CatalogEvent.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // The pod refuses control characters in names, reasons, headers: matching them is the point.
      'no-control-regex': 'off',
      // A `let` read by a closure before its one assignment cannot be const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // New in ESLint 10's recommended set; both flag style more than bugs (an initializer before
      // a try/catch that assigns again; an error rethrown without `cause`), and tsc already
      // refuses a read before a definite assignment.
      'no-useless-assignment': 'off',
      'preserve-caught-error': 'off',
    },
  },
  {
    files: ['**/*.ts', '**/*.vue'],
    rules: { 'no-undef': 'off' },
  },
  {
    files: ['apps/pod/src/**/domain/**/*.ts', 'apps/pod/src/**/projections/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
  {
    // The pod's runtime code writes through its one logger (PodLogger, docs/operations.md#logs):
    // a console line would be neither JSON in production nor leveled. The CLIs print to their
    // terminal; tests and their support print what they measure.
    files: ['apps/pod/src/**/*.ts', 'libs/*/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*test-support.ts', 'apps/pod/src/testing/**', 'apps/pod/src/cli/**', 'apps/pod/src/**/*.cli.ts', 'libs/testing/**'],
    rules: { 'no-console': 'error' },
  },
);
