// ESLint 10 flat config: typescript-eslint's recommended rules everywhere, the type-aware set on src/ only (cheap there),
// and the house rules a reviewer would otherwise have to catch: only src/config.ts reads the environment; the engine is
// pure and deterministic. Layer rules between folders are dependency-cruiser's job (.dependency-cruiser.cjs).
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

const ENV_ONLY_IN_CONFIG = 'Configuration is read only in src/config.ts (spec/architecture.md): take it from the typed config instead.';
const ENGINE_IS_PURE = 'src/engine is pure and deterministic: take the clock and inputs from the hook context, do no I/O.';
const readonly = (names) => Object.fromEntries(names.map((name) => [name, 'readonly']));

export default defineConfig(
  globalIgnores(['node_modules/', 'dist/', 'reports/', 'coverage/', '.stryker-tmp/', '.tmp*/', '**/*.tmp.*']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: readonly(['module', 'require', 'process', 'console', 'URL']) },
  },
  {
    files: ['src/review/assets/**/*.js'],
    languageOptions: { globals: readonly(['document', 'window', 'fetch', 'location', 'console', 'URL', 'URLSearchParams']) },
  },
  {
    files: ['src/**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Fastify plugins and hooks are async functions by contract, with or without an await inside.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/config.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: ENV_ONLY_IN_CONFIG }],
      'no-restricted-imports': ['error', { paths: ['process', 'node:process'].map((name) => ({ name, importNames: ['env'], message: ENV_ONLY_IN_CONFIG })) }],
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', ...['process', 'fetch', 'setTimeout', 'setInterval', 'require'].map((name) => ({ name, message: ENGINE_IS_PURE }))],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: ENV_ONLY_IN_CONFIG },
        { object: 'Date', property: 'now', message: ENGINE_IS_PURE },
        { object: 'Math', property: 'random', message: ENGINE_IS_PURE },
      ],
    },
  },
);
