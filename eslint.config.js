// Layering is enforced here, not remembered: core never reaches for Electron or React,
// the renderer never reaches for Node.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['electron', 'react', 'react-dom'], patterns: ['electron/*', 'react/*'] }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      // The renderer may use the pure sheet module (instant validation) and the export's pure timeline layout (so the
      // viewer plays exactly the frames the export renders); nothing else of core.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'node:*', 'electron', 'electron/*', '**/main/core/*', '!**/main/core/sheet', '**/main/core/*/**', '!**/main/core/sheet/**',
            '!**/main/core/media', '**/main/core/media/*', '!**/main/core/media/timeline-layout', '!**/main/core/media/frame-rate',
          ],
        },
      ],
    },
  },
);
