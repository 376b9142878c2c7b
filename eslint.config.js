// Lint rules. The one that matters most keeps src/core pure: the tally, the ballot
// crypto and the meta parsing must never reach for the disk, the network, the clock
// of a framework or the database, so they can be tested and trusted on their own.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const impureModules = [
  'fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'child_process', 'node:child_process',
  'net', 'node:net', 'http', 'node:http', 'https', 'node:https', 'dgram', 'node:dgram',
  'worker_threads', 'node:worker_threads', 'cluster', 'node:cluster', 'os', 'node:os',
  'process', 'node:process',
  'fastify', 'kysely', 'better-sqlite3', 'pg', 'mysql2', 'mysql2/promise', 'hono', 'pino',
  'simple-git', 'arctic', 'prom-client', '@node-rs/argon2',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', 'docs/screenshots/**', 'bench/**/*.py', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: impureModules.map((name) => ({ name, message: 'src/core is pure: no I/O, framework or database imports.' })),
        patterns: [
          { group: ['**/storage/**', '**/http/**', '**/metarepo/**', '**/app/**', '**/views/**', '**/config', '**/config.js', '**/log', '**/log.js'], message: 'src/core must not depend on outer layers.' },
        ],
      }],
      'no-restricted-globals': ['error',
        { name: 'process', message: 'src/core is pure: pass configuration in.' },
        { name: 'fetch', message: 'src/core is pure: no network.' },
        { name: 'setTimeout', message: 'src/core is pure: no timers.' },
      ],
      'no-restricted-syntax': ['error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'src/core takes time as a parameter.' },
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'src/core takes time as a parameter.' },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'test/**/*.tsx', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['it', 'test', 'describe', 'suite'] }] }],
    },
  },
);
