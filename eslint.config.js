// One lint stack for app, service worker, server and tests. Boundaries between folders are lint rules,
// so a wrong import fails `npm test` with a message saying why.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import vueParser from 'vue-eslint-parser';
import globals from 'globals';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

const restrict = (patterns) => ['error', { patterns }];

// The app's layers, lowest first: domain ← storage, sync, capture ← shared ← features ← app. A layer imports
// only those below it. Each folder's rule lists every pattern that applies to it (one `no-restricted-imports`
// per file: a later config would replace an earlier one's list, not add to it).
const DEXIE = { group: ['dexie'], importNames: ['default'], message: 'Only src/storage opens Dexie; use its exports.' };
const POUCH = { group: ['pouchdb*'], message: 'Only src/sync imports PouchDB.' };
const NOT_APP = { regex: '^(\\.\\./)+app(/|$)', message: 'src/app is the shell: nothing below it imports it (what features share lives in src/shared).' };
const NOT_FEATURES = { regex: '^(\\.\\./)+features(/|$)', message: 'src/shared sits below the features: it must not import them.' };
const NOT_UP = { regex: '^(\\.\\./)+(app|features|shared)(/|$)', message: 'storage, sync and capture sit below the UI: no imports from shared, features or app.' };
const VIEW_DATA = { regex: '^(\\.\\./)+(storage|sync)(/|$)', message: 'Views reach data through stores (or src/shared), never src/storage or src/sync directly.' };
const VIEW_PACKAGES = { group: ['dexie', 'pouchdb*'], message: 'Views reach data through stores.' };
const layer = (files, patterns) => ({ files, ignores: ['src/**/*.test.ts'], rules: { 'no-restricted-imports': restrict(patterns) } });

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/artifacts/**', 'data/**', '.scratch/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/attributes-order': 'off',
    },
  },
  {
    files: ['**/*.vue'],
    languageOptions: { parser: vueParser, parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' } },
  },
  layer(['src/sw/**/*.ts'], [DEXIE, POUCH]),
  layer(['src/storage/**/*.ts'], [POUCH, NOT_UP]),
  layer(['src/sync/**/*.ts'], [DEXIE, NOT_UP]),
  layer(['src/capture/**/*.ts'], [DEXIE, POUCH, NOT_UP]),
  layer(['src/shared/**/*.ts'], [DEXIE, POUCH, NOT_APP, NOT_FEATURES]),
  layer(['src/shared/**/*.vue'], [VIEW_PACKAGES, NOT_APP, NOT_FEATURES, VIEW_DATA]),
  layer(['src/features/**/*.ts'], [DEXIE, POUCH, NOT_APP]),
  layer(['src/features/**/*.vue'], [VIEW_PACKAGES, NOT_APP, VIEW_DATA]),
  layer(['src/app/**/*.ts'], [DEXIE, POUCH]),
  layer(['src/app/**/*.vue'], [VIEW_PACKAGES, VIEW_DATA]),
  {
    // Import cycles in the app (a module graph that only works by the order modules happen to load).
    // Only src: the server's cycles are another folder's matter, and the check reads every file it reaches.
    files: ['src/**/*.ts', 'src/**/*.vue'],
    ignores: ['src/**/*.test.ts'],
    plugins: { 'import-x': importX },
    // A .vue file reached from a .ts one is parsed with the importer's options: its script is TypeScript.
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.vue', '.js', '.json'] })],
      'import-x/extensions': ['.ts', '.vue', '.js'],
      'import-x/parsers': { 'vue-eslint-parser': ['.vue'], '@typescript-eslint/parser': ['.ts'] },
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    files: ['sync-server/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        { regex: '^(\\.\\./)+src/(?!domain/)', message: 'sync-server imports src/domain and nothing else from src.' },
        { group: ['vue', 'pinia', 'dexie', 'pouchdb-browser'], message: 'Browser-only packages do not belong in the server.' },
      ]),
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    ignores: ['src/domain/**/*.test.ts'],
    rules: {
      'no-restricted-imports': restrict([
        { group: ['vue', 'vue-*', 'pinia', 'dexie', 'pouchdb*', 'node:*', 'express', 'playwright-core', 'qrcode', 'signature_pad', 'workbox-*'], message: 'src/domain is pure TypeScript shared by app and server: no framework, storage or platform imports.' },
        { group: ['../*'], message: 'src/domain imports nothing outside itself.' },
      ]),
    },
  },
  {
    // Business dates are China days (receipts, certificates, due dates, day boundaries): one module cuts them.
    files: ['src/**/*.ts', 'src/**/*.vue', 'sync-server/**/*.ts'],
    ignores: ['src/domain/china-time.ts', '**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='slice'][callee.object.type='CallExpression'][callee.object.callee.property.name='toISOString']",
          message: 'A date cut from toISOString() is the UTC day, not the China day: use chinaDate / chinaDay / addDays from src/domain/china-time.ts.',
        },
      ],
    },
  },
);
