// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Each adapter may not import another adapter (they meet only in `src/cli`). */
const adapters = ['db', 'telegram', 'stripe', 'http'];

/** Product code never imports the simulators; only the CLI's `sandbox` command starts them. */
const noSandbox = {
  group: ['**/sandbox/**'],
  message:
    'Product code never imports src/sandbox; only src/cli/commands/sandbox.ts starts the simulators.',
};

/** Files that may import `src/sandbox`: the simulators themselves and the `sandbox` command. */
const sandboxUsers = ['src/sandbox/**', 'src/cli/commands/sandbox.ts'];

/** Work shared by commands and setup steps lives in `src/cli/tasks`, never in a command. */
const noCommands = {
  group: ['**/commands/**'],
  message: 'Only src/cli/main.ts loads the command registry; put shared work in src/cli/tasks.',
};
const noSiblingCommand = {
  regex: '^\\./',
  message: 'Commands never import each other; put shared work in src/cli/tasks.',
};

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
    files: ['src/**/*.ts'],
    ignores: sandboxUsers,
    rules: { 'no-restricted-imports': ['error', { patterns: [noSandbox] }] },
  },
  {
    files: ['src/cli/**/*.ts'],
    ignores: ['src/cli/main.ts', 'src/cli/commands/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noSandbox, noCommands] }] },
  },
  {
    files: ['src/cli/commands/*.ts'],
    ignores: ['src/cli/commands/index.ts', 'src/cli/commands/sandbox.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noSandbox, noSiblingCommand] }] },
  },
  {
    files: ['src/cli/commands/sandbox.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noSiblingCommand] }] },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // Any package or builtin except zod (relative imports are checked below).
              regex: '^(?!zod(?:/|$))(?!\\.{1,2}/)',
              message:
                'src/core holds domain rules only: it imports nothing but src/core and zod (see docs/architecture.md).',
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
  {
    files: ['src/config/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/adapters/**', '**/cli/**', '**/jobs/**', '**/sandbox/**'],
              message:
                'src/config is read by every layer: it imports nothing from adapters, cli, jobs or sandbox.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/jobs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/adapters/**', '**/cli/**', '**/sandbox/**'],
              message:
                'Jobs get their stores and services as deps from src/cli/runtime: they import only src/core (and node-cron).',
            },
          ],
        },
      ],
    },
  },
  ...adapters.map((name) => {
    const others = adapters.filter((other) => other !== name);
    return {
      files: [`src/adapters/${name}/**/*.ts`],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                // Every form: `../db/x.js`, `../../db/x.js`, `../../../adapters/db/x.js`.
                regex: `(?:^(?:\\.\\./)+|(?:^|/)adapters/)(?:${others.join('|')})(?:/|$)`,
                message: 'Adapters never import each other; wire them together in src/cli.',
              },
              {
                group: ['**/cli/**'],
                message: 'Only src/cli is the composition root.',
              },
              noSandbox,
            ],
          },
        ],
      },
    };
  }),
  // Size limits: small functions everywhere, small files outside the simulators.
  {
    files: ['src/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 120 }] },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/sandbox/**'],
    rules: { 'max-lines': ['error', { max: 400 }] },
  },
  // The sandbox page stands on the simulators' control APIs alone: no product code, and not
  // even the simulators' own modules (it reads them over HTTP like any page would).
  {
    files: ['src/sandbox/ui/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../../*', '../../../*', '../telegram/*', '../stripe/*'],
              message: 'src/sandbox/ui imports nothing from product code or the simulators.',
            },
          ],
        },
      ],
    },
  },
);
