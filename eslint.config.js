// Lint rules. The ones that matter most keep the layers pointing down:
//
//   core ← policies ← app ← http, views ← commands, main
//
// src/core is pure: the tally, the ballot crypto and the meta parsing never reach for
// the disk, the network, the clock or the database, so they can be tested and trusted
// on their own; the policies are as pure. The use-cases (src/app) never import the
// HTTP server or the pages, and the pages never import the database or the HTTP
// server: they receive what they show. test/unit/layers.test.ts proves these rules
// still refuse such an import, so they cannot rot unnoticed.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Modules that do I/O, run a framework or talk to a database. */
const impureModules = [
  'fs',
  'node:fs',
  'fs/promises',
  'node:fs/promises',
  'child_process',
  'node:child_process',
  'net',
  'node:net',
  'http',
  'node:http',
  'https',
  'node:https',
  'dgram',
  'node:dgram',
  'worker_threads',
  'node:worker_threads',
  'cluster',
  'node:cluster',
  'os',
  'node:os',
  'process',
  'node:process',
  'fastify',
  'kysely',
  'better-sqlite3',
  'pg',
  'mysql2',
  'mysql2/promise',
  'hono',
  'pino',
  'simple-git',
  'arctic',
  'prom-client',
  '@node-rs/argon2',
];

/** The database and the HTTP framework, which only their own layers may import. */
const databaseAndServer = ['fastify', 'kysely', 'better-sqlite3', 'pg', 'mysql2', 'mysql2/promise'];

// The folders (and modules) of src/, grouped by where they sit.
/** Below the use-cases: the database, the meta repository reader, the other adapters. */
const adapters = ['storage', 'metarepo', 'crypto', 'observability', 'github'];
/** Above the use-cases: the HTTP server, the pages, the commands and the entry points. */
const aboveUseCases = ['http', 'views', 'commands', 'demo', 'main', 'cli'];
/** Read from the process (the environment, the logger): pass them in to pure code. */
const processWide = ['config', 'log'];

/** A folder (or module) of src/ as an import pattern, wherever the importer sits. */
const layer = (name) => [`**/${name}/**`, `**/${name}`, `**/${name}.js`];

/** The no-restricted-imports rule for a layer that must not import `layers` or `modules`. */
function pointsDown(message, layers, modules = []) {
  return [
    'error',
    {
      paths: modules.map((name) => ({ name, message })),
      patterns: [{ group: layers.flatMap(layer), message }],
    },
  ];
}

const pureRules = (who) => ({
  'no-restricted-globals': [
    'error',
    { name: 'process', message: `${who} is pure: pass configuration in.` },
    { name: 'fetch', message: `${who} is pure: no network.` },
    { name: 'setTimeout', message: `${who} is pure: no timers.` },
  ],
  'no-restricted-syntax': [
    'error',
    { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: `${who} takes time as a parameter.` },
    { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: `${who} takes time as a parameter.` },
  ],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', 'docs/screenshots/**', 'bench/**/*.py', 'test/fixtures/**'] },
  js.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [...tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
    },
  },
  // Plain JavaScript: the browser's page script, and the Node tools around the code.
  {
    files: ['public/**/*.js'],
    languageOptions: { sourceType: 'script', ecmaVersion: 2020, globals: globals.browser },
    rules: { 'no-unused-vars': ['error', { caughtErrors: 'none' }] },
  },
  {
    files: ['bin/**/*.js', 'scripts/**/*.mjs', '*.js'],
    languageOptions: { sourceType: 'module', globals: globals.node },
  },
  // --- The layers -----------------------------------------------------------------
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': pointsDown(
        'src/core is pure: no I/O, framework or database, and no outer layer.',
        [...adapters, 'policies', 'app', ...aboveUseCases, ...processWide],
        impureModules,
      ),
      ...pureRules('src/core'),
    },
  },
  {
    files: ['src/policies/**/*.ts'],
    rules: {
      'no-restricted-imports': pointsDown(
        'src/policies are pure rules over src/core: no I/O and no outer layer.',
        [...adapters, 'app', ...aboveUseCases, ...processWide],
        impureModules,
      ),
      ...pureRules('src/policies'),
    },
  },
  {
    files: ['src/app/**/*.ts'],
    rules: {
      'no-restricted-imports': pointsDown(
        'src/app (the use-cases) must not depend on the HTTP server, the pages or the commands: declare a port in src/app/ports.ts.',
        aboveUseCases,
        [
          ...databaseAndServer,
          'hono',
          '@fastify/csrf-protection',
          '@fastify/formbody',
          '@fastify/helmet',
          '@fastify/rate-limit',
          '@fastify/secure-session',
          '@fastify/static',
        ],
      ),
    },
  },
  {
    files: ['src/views/**/*.ts', 'src/views/**/*.tsx'],
    rules: {
      'no-restricted-imports': pointsDown(
        'src/views render what they are given: no database, no HTTP server, no I/O (declare a view model in src/views/models.ts).',
        [...adapters, ...aboveUseCases.filter((name) => name !== 'views'), 'config'],
        impureModules.filter((name) => name !== 'hono'),
      ),
    },
  },
  {
    files: ['src/storage/**/*.ts', 'src/metarepo/**/*.ts', 'src/crypto/**/*.ts', 'src/observability/**/*.ts', 'src/github/**/*.ts'],
    rules: {
      'no-restricted-imports': pointsDown(
        'Storage, the meta repository reader and the other adapters sit below the use-cases: they must not import them, the HTTP server or the pages.',
        ['app', 'policies', ...aboveUseCases],
      ),
    },
  },
  {
    files: ['src/http/**/*.ts'],
    rules: {
      'no-restricted-imports': pointsDown('src/http must not depend on the commands or the process entry points.', [
        'commands',
        'main',
        'cli',
      ]),
    },
  },
  {
    files: ['test/**/*.ts', 'test/**/*.tsx', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['it', 'test', 'describe', 'suite'] }] },
      ],
    },
  },
);
