// Lint enforces docs/ARCHITECTURE.md §1: folders are layers, and these rules forbid the wrong arrows.
import js from '@eslint/js';
import { builtinModules } from 'node:module';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

const restrict = (message, { paths = [], patterns = [] }) => ({
  '@typescript-eslint/no-restricted-imports': [
    'error',
    {
      paths: paths.map((name) => ({ name, message })),
      patterns: patterns.map((group) => ({ group: [group], message, allowTypeImports: false })),
    },
  ],
});

/** Several messages need separate entries; typescript-eslint takes one options object, so merge them. */
const restrictAll = (...rules) => ({
  '@typescript-eslint/no-restricted-imports': [
    'error',
    {
      paths: rules.flatMap((r) => r['@typescript-eslint/no-restricted-imports'][1].paths),
      patterns: rules.flatMap((r) => r['@typescript-eslint/no-restricted-imports'][1].patterns),
    },
  ],
});

const noElectron = restrict('Only src-main/electron (and the preload) may import electron.', {
  paths: ['electron'],
});
const noIo = restrict('contract/ is pure TypeScript: no node, electron or I/O libraries.', {
  paths: [...nodeBuiltins, 'got', 'better-sqlite3', 'fastify', 'react'],
  patterns: ['@aws-sdk/*', '**/engine/**', '**/sources/**', '**/store/**', '**/server/**', '**/electron/**'],
});
const engineRules = restrict('engine/ depends on interfaces (ByteSource, DownloadStore, Clock); the composition roots (main.ts, headless.ts, cli/) wire in the transports and the store.', {
  paths: ['better-sqlite3', 'react', 'got', 'fastify'],
  patterns: ['@aws-sdk/*', '**/sources/**', '**/store/**', '**/server/**', '**/electron/**', '**/cli/**'],
});
const sourceRules = restrict('sources/ are transports: they implement the engine\'s ByteSource and know nothing of storage, servers or the desktop.', {
  paths: ['better-sqlite3', 'react', 'fastify'],
  patterns: ['**/store/**', '**/server/**', '**/electron/**', '**/cli/**'],
});
const storeRules = {
  '@typescript-eslint/no-restricted-imports': [
    'error',
    {
      paths: [{ name: 'got', message: 'store/ only persists.' }],
      patterns: [
        { group: ['**/server/**', '**/electron/**', '**/cli/**'], message: 'store/ only persists.' },
        // store/ implements the engine's DownloadStore port: types only, never engine code.
        { group: ['**/engine/**'], message: 'store/ may import only types from engine/.', allowTypeImports: true },
      ],
    },
  ],
};
const serverRules = restrict('server/ speaks the contract; headless.ts wires it to the engine.', {
  patterns: ['**/engine/**', '**/sources/**', '**/store/**', '**/electron/**', '**/cli/**'],
});
const rendererRules = restrict('The renderer talks to the engine only through the contract.', {
  paths: [...nodeBuiltins, 'electron', 'got', 'better-sqlite3'],
  patterns: ['**/src-main/engine/**', '**/src-main/sources/**', '**/src-main/store/**', '**/src-main/server/**', '**/src-main/electron/**'],
});
const extensionRules = restrict('The browser extension speaks to Steadfast over the REST API, as any client does: of the app it shares only contract/ (its types and formatting).', {
  paths: [...nodeBuiltins, 'electron', 'react', 'zod'],
  patterns: ['**/src-main/*.ts', '**/src-main/engine/**', '**/src-main/sources/**', '**/src-main/store/**', '**/src-main/server/**', '**/src-main/electron/**', '**/src-main/cli/**', '**/src-renderer/**', '**/src-preload/**'],
});

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  { files: ['src-main/**/*.ts', 'src-renderer/**/*.{ts,tsx}'], rules: noElectron },
  { files: ['src-main/contract/**/*.ts'], rules: restrictAll(noElectron, noIo) },
  { files: ['src-main/engine/**/*.ts'], rules: restrictAll(noElectron, engineRules) },
  { files: ['src-main/sources/**/*.ts'], rules: restrictAll(noElectron, sourceRules) },
  { files: ['src-main/store/**/*.ts'], rules: restrictAll(noElectron, storeRules) },
  { files: ['src-main/cli/**/*.ts'], rules: noElectron },
  { files: ['src-main/server/**/*.ts'], rules: restrictAll(noElectron, serverRules) },
  { files: ['src-main/electron/**/*.ts', 'src-main/main.ts', 'src-preload/**/*.ts'], rules: { '@typescript-eslint/no-restricted-imports': 'off' } },
  {
    files: ['extension/src/**/*.ts'],
    languageOptions: { globals: { ...globals.browser, chrome: 'readonly' } },
    rules: extensionRules,
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: rendererRules,
  },
);
