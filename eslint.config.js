// ESLint for the TypeScript and Svelte sources; formatting is Prettier's (`npm run lint` runs both).
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

const NODE_BUILTINS = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/** The layers, as `no-restricted-imports` options: what code in a folder must not reach. */
const RENDERER_IMPORTS = {
  paths: [{ name: 'electron', message: 'The renderer talks to main through the preload bridge only.' }],
  patterns: [
    { group: NODE_BUILTINS, message: 'The renderer runs in a browser (also in browser mode): no Node built-ins.' },
    { group: ['**/main/**', '**/preload/**', 'electron/*'], message: 'The renderer reaches main through lib/api only.' }
  ]
};
const SHARED_IMPORTS = {
  patterns: [
    { regex: '^(?!zod$)[^.]', message: 'src/shared is loaded by main and renderer alike: it imports nothing but zod.' },
    { group: ['**/main/**', '**/renderer/**', '**/preload/**'], message: 'src/shared imports nothing but zod.' }
  ]
};
const PIPELINE_IMPORTS = {
  patterns: [
    { group: ['**/export/**', '**/export'], message: 'The pipeline restores; exporting builds on it, not the reverse.' }
  ]
};

export default defineConfig(
  {
    ignores: ['node_modules/', 'out/', 'dist/', 'release/', 'build/', 'resources/', 'test-artifacts/', 'training/']
  },
  js.configs.recommended,
  ts.configs.recommended,
  svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }
      ]
    }
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'no-restricted-imports': ['error', RENDERER_IMPORTS] }
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] } }
  },
  {
    // Code passed to page.evaluate runs in the browser, but is type-checked with Node's types (no DOM): it reaches
    // the page's globals through `any`.
    files: ['test/e2e/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' }
  },
  { files: ['src/shared/**'], rules: { 'no-restricted-imports': ['error', SHARED_IMPORTS] } },
  { files: ['src/main/pipeline/**'], rules: { 'no-restricted-imports': ['error', PIPELINE_IMPORTS] } }
);
