// One lint stack for app, service worker, server and tests. Boundaries between folders are lint rules,
// so a wrong import fails `npm test` with a message saying why.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import vueParser from 'vue-eslint-parser';
import globals from 'globals';

const restrict = (patterns) => ['error', { patterns }];

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
  {
    files: ['src/**/*.ts', 'src/**/*.vue'],
    ignores: ['src/storage/**', 'src/domain/**', 'src/**/*.test.ts'],
    rules: { 'no-restricted-imports': restrict([{ group: ['dexie'], importNames: ['default'], message: 'Only src/storage opens Dexie; use its exports.' }, { group: ['pouchdb*'], message: 'Only src/sync imports PouchDB.' }]) },
  },
  {
    files: ['src/sync/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([{ group: ['dexie'], importNames: ['default'], message: 'Only src/storage opens Dexie.' }]) },
  },
  {
    files: ['src/features/**/*.vue'],
    rules: { 'no-restricted-imports': restrict([{ group: ['dexie', 'pouchdb*', '**/sync/pouch'], message: 'Views reach data through stores.' }]) },
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
);
