// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Libraries that do I/O or belong to an outer layer; `src/core` must not import them. */
const outerLibraries = [
  'telegraf',
  'telegraf/*',
  'stripe',
  'fastify',
  'fastify/*',
  '@fastify/*',
  'knex',
  'pg',
  'better-sqlite3',
  'commander',
  '@inquirer/*',
  'node-cron',
  'pino',
  'dotenv',
  'node:fs',
  'node:fs/promises',
  'node:http',
  'node:https',
  'node:net',
  'node:child_process',
  'fs',
  'http',
  'https',
  'net',
  'child_process',
];

/** Each adapter may not import another adapter (they meet only in `src/cli`). */
const adapters = ['db', 'telegram', 'stripe', 'http'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        URL: 'readonly',
        URLSearchParams: 'readonly',
        AbortController: 'readonly',
        fetch: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      'no-console': 'off',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: outerLibraries,
              message:
                'src/core holds domain rules only: no I/O libraries (see docs/architecture.md).',
            },
            {
              group: ['**/adapters/**', '**/cli/**', '**/jobs/**', '**/sandbox/**', '**/config/**'],
              message: 'src/core imports nothing from adapters, cli, jobs, sandbox or config.',
            },
          ],
        },
      ],
    },
  },
  ...adapters.map((name) => ({
    files: [`src/adapters/${name}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: adapters
                .filter((other) => other !== name)
                .flatMap((other) => [
                  `../${other}/*`,
                  `../../${other}/*`,
                  `**/adapters/${other}/**`,
                ]),
              message: 'Adapters never import each other; wire them together in src/cli.',
            },
            {
              group: ['**/cli/**'],
              message: 'Only src/cli is the composition root.',
            },
          ],
        },
      ],
    },
  })),
);
