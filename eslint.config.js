import tseslint from 'typescript-eslint';
import { layersRule } from './tools/eslint/layers.js';

export default tseslint.config(
  { ignores: ['dist/**', 'web/dist/**', 'node_modules/**', 'fupan-data/**', 'coverage/**', '**/__snapshots__/**', '.scratch/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { fupan: { rules: { layers: layersRule } } },
    rules: {
      'fupan/layers': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
      // Library code takes configuration as arguments; only entry points read the environment.
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration in an entry point (cli/, server main, bench, tests) and pass it down.' },
      ],
    },
  },
  {
    files: ['src/cli/**', 'bench/**', 'test/**', '**/*.test.ts', 'tools/**', 'web/vite.config.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
