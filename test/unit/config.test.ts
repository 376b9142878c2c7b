import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, parseConfig } from '../../src/config.js';

const ELEKTO_VARIABLES =
  'APP_NAME APP_ENV APP_KEY APP_DEBUG APP_URL APP_PORT APP_HOST APP_CONNECT MIN_PASSCODE_LENGTH DB_CONNECTION DB_HOST DB_PORT DB_DATABASE DB_USERNAME DB_PASSWORD DB_PATH META_REPO ELECTION_DIR META_DEPLOYMENT META_PATH META_BRANCH META_SECRET GITHUB_REDIRECT GITHUB_CLIENT_ID GITHUB_CLIENT_SECRET'.split(
    ' ',
  );

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  assert.fail('expected a ConfigError');
}

test("defaults: production, SQLite under ./data, port 5000, Elekto's defaults", () => {
  const c = parseConfig({ APP_KEY: 'a-strong-enough-key-here' }, '/srv/scrutin');
  assert.equal(c.appEnv, 'production');
  assert.deepEqual(c.db, { kind: 'sqlite', path: '/srv/scrutin/data/scrutin.db' });
  assert.equal(c.port, 5000);
  assert.equal(c.minPasscodeLength, 6);
  assert.equal(c.meta.branch, 'main');
  assert.equal(c.meta.electionDir, 'elections');
  assert.equal(c.github.redirect, '/oauth/github/callback');
  assert.equal(c.github.url.origin, 'https://github.com');
  assert.equal(c.devLogin, false);
});

test('DB_PORT defaults per engine', () => {
  const base = { DB_HOST: 'db', DB_DATABASE: 'e', DB_USERNAME: 'u', APP_ENV: 'development' };
  const pg = parseConfig({ ...base, DB_CONNECTION: 'postgresql' }, '/');
  const my = parseConfig({ ...base, DB_CONNECTION: 'mysql' }, '/');
  assert.ok(pg.db.kind === 'postgresql' && pg.db.port === 5432);
  assert.ok(my.db.kind === 'mysql' && my.db.port === 3306);
});

test('DATABASE_URL replaces the DB_* parts', () => {
  const c = parseConfig(
    { APP_ENV: 'development', DATABASE_URL: 'postgresql://scrutin:s%40cret@db.internal/elections', DB_CONNECTION: 'mysql' },
    '/',
  );
  assert.deepEqual(c.db, {
    kind: 'postgresql',
    host: 'db.internal',
    port: 5432,
    database: 'elections',
    user: 'scrutin',
    password: 's@cret',
  });
  const m = parseConfig({ APP_ENV: 'development', DATABASE_URL: 'mariadb://root@127.0.0.1:3307/x' }, '/');
  assert.ok(m.db.kind === 'mysql' && m.db.port === 3307);
  assert.deepEqual(parseConfig({ APP_ENV: 'development', DATABASE_URL: 'sqlite:data/x.db' }, '/srv').db, {
    kind: 'sqlite',
    path: '/srv/data/x.db',
  });
});

test('every bad variable is named in one error', () => {
  const problems = problemsOf(() =>
    parseConfig(
      {
        APP_ENV: 'staging',
        APP_PORT: '99999',
        DB_CONNECTION: 'oracle',
        APP_DEBUG: 'maybe',
        MIN_PASSCODE_LENGTH: 'six',
        GITHUB_URL: 'ftp://x',
      },
      '/',
    ),
  );
  for (const name of ['APP_ENV', 'APP_PORT', 'DB_CONNECTION', 'APP_DEBUG', 'MIN_PASSCODE_LENGTH', 'GITHUB_URL']) {
    assert.ok(
      problems.some((p) => p.startsWith(name)),
      `${name} named in ${JSON.stringify(problems)}`,
    );
  }
});

test('APP_KEY: blank is fine (generated later); weak or short stops production and says how to fix it; development only warns', () => {
  assert.equal(parseConfig({}, '/').appKey, null);
  for (const weak of ['test', 'short', 'changeme']) {
    const problems = problemsOf(() => parseConfig({ APP_KEY: weak }, '/'));
    assert.ok(
      problems.some((p) => p.includes('APP_KEY') && p.includes('scrutin key')),
      weak,
    );
  }
  const dev = parseConfig({ APP_ENV: 'development', APP_KEY: 'test' }, '/');
  assert.ok(dev.warnings.some((w) => w.includes('APP_KEY')));
});

test('serving in production requires GitHub, the meta repository and APP_URL', () => {
  const problems = problemsOf(() => parseConfig({}, '/', { purpose: 'serve' }));
  for (const name of ['GITHUB_CLIENT_ID', 'GITHUB_CLIENT_SECRET', 'META_REPO', 'APP_URL'])
    assert.ok(
      problems.some((p) => p.startsWith(name)),
      name,
    );
  assert.doesNotThrow(() => parseConfig({ APP_ENV: 'development' }, '/', { purpose: 'serve' }));
});

test('development sign-in only in development and only without a GitHub client', () => {
  assert.equal(parseConfig({ APP_ENV: 'development' }, '/').devLogin, true);
  assert.equal(parseConfig({ APP_ENV: 'development', GITHUB_CLIENT_ID: 'x', GITHUB_CLIENT_SECRET: 'y' }, '/').devLogin, false);
  assert.equal(parseConfig({ APP_ENV: 'production', APP_KEY: 'a-strong-enough-key-here' }, '/').devLogin, false);
});

test('.env is read, and the real environment wins over it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scrutin-env-'));
  writeFileSync(join(dir, '.env'), 'APP_NAME=from-file\nAPP_PORT=6000\nAPP_ENV=development\n# a comment\nMETA_BRANCH="quoted"\n');
  const c = loadConfig({ APP_PORT: '7000' }, dir);
  assert.equal(c.appName, 'from-file');
  assert.equal(c.port, 7000);
  assert.equal(c.meta.branch, 'quoted');
});

test('.env.example documents every Elekto variable and parses as a valid development configuration', () => {
  const text = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
  for (const name of ELEKTO_VARIABLES) assert.match(text, new RegExp(`^${name}=`, 'm'), name);
  for (const name of ['GITHUB_URL', 'GITHUB_API_URL', 'DATABASE_URL']) assert.match(text, new RegExp(`^${name}=`, 'm'), name);
  const dir = mkdtempSync(join(tmpdir(), 'scrutin-env-'));
  writeFileSync(join(dir, '.env'), text);
  assert.doesNotThrow(() => loadConfig({ APP_ENV: 'development' }, dir));
});

test('TRUST_PROXY: off by default over TCP, one hop by default on a Unix socket, explicit values win', () => {
  assert.equal(parseConfig({ APP_ENV: 'development' }, '/').trustProxy, false);
  assert.equal(parseConfig({ APP_ENV: 'development', APP_CONNECT: 'socket' }, '/').trustProxy, 1);
  assert.equal(parseConfig({ APP_ENV: 'development', APP_CONNECT: 'socket', TRUST_PROXY: 'false' }, '/').trustProxy, false);
  assert.equal(parseConfig({ APP_ENV: 'development', TRUST_PROXY: '10.0.0.0/8' }, '/').trustProxy, '10.0.0.0/8');
});

test('HTTP timeouts: 15 s for headers, 30 s for a whole request, 72 s idle keep-alive; bad values and headers longer than the request are refused', () => {
  assert.deepEqual(parseConfig({ APP_ENV: 'development' }, '/').timeouts, { headers: 15, request: 30, keepAlive: 72 });
  assert.deepEqual(
    parseConfig({ APP_ENV: 'development', HTTP_HEADERS_TIMEOUT: '5', HTTP_REQUEST_TIMEOUT: '60', HTTP_KEEPALIVE_TIMEOUT: '10' }, '/')
      .timeouts,
    { headers: 5, request: 60, keepAlive: 10 },
  );
  const problems = problemsOf(() =>
    parseConfig({ APP_ENV: 'development', HTTP_HEADERS_TIMEOUT: '0', HTTP_REQUEST_TIMEOUT: 'soon', HTTP_KEEPALIVE_TIMEOUT: '-1' }, '/'),
  );
  for (const name of ['HTTP_HEADERS_TIMEOUT', 'HTTP_REQUEST_TIMEOUT', 'HTTP_KEEPALIVE_TIMEOUT'])
    assert.ok(
      problems.some((p) => p.startsWith(`${name} must be a whole number`)),
      name,
    );
  assert.deepEqual(
    problemsOf(() => parseConfig({ APP_ENV: 'development', HTTP_HEADERS_TIMEOUT: '40' }, '/')),
    ['HTTP_HEADERS_TIMEOUT (40) must not be longer than HTTP_REQUEST_TIMEOUT (30): the headers are part of the request'],
  );
});

test('metrics are never served without a token: METRICS_PORT without METRICS_TOKEN stops startup, in every environment', () => {
  for (const env of ['production', 'development']) {
    const problems = problemsOf(() => parseConfig({ APP_ENV: env, APP_KEY: 'a-strong-enough-key-here', METRICS_PORT: '9464' }, '/'));
    assert.ok(
      problems.some((p) => p.startsWith('METRICS_PORT is set but METRICS_TOKEN is not') && p.includes('scrutin key')),
      env,
    );
  }
  const config = parseConfig({ APP_ENV: 'development', METRICS_PORT: '9464', METRICS_TOKEN: 'k3J9-a-random-metrics-token' }, '/');
  assert.deepEqual(config.metrics, { port: 9464, token: 'k3J9-a-random-metrics-token' });
});

test('placeholder and short secrets stop production, naming each variable and never its value; development only warns', () => {
  const placeholders = {
    APP_KEY: '',
    METRICS_TOKEN: 'REPLACE-ME-metrics-token',
    META_SECRET: 'changeme',
    GITHUB_CLIENT_ID: 'Iv1.0123456789abcdef',
    GITHUB_CLIENT_SECRET: 'REPLACE-ME-github-oauth-client-secret',
    DB_PASSWORD: 'replace_me',
    META_REPO_TOKEN: '<your token>',
  };
  const problems = problemsOf(() => parseConfig(placeholders, '/'));
  for (const name of ['METRICS_TOKEN', 'META_SECRET', 'GITHUB_CLIENT_SECRET', 'DB_PASSWORD', 'META_REPO_TOKEN']) {
    assert.ok(
      problems.some((p) => p.startsWith(`${name} `) && /placeholder/.test(p)),
      `${name}: ${problems.join(' | ')}`,
    );
  }
  for (const value of Object.values(placeholders))
    if (value !== '' && !value.startsWith('Iv1')) assert.ok(!problems.some((p) => p.includes(value)), `${value} is not echoed`);
  // Short tokens the operator chooses are guessable; issued passwords are not judged by length.
  const short = problemsOf(() => parseConfig({ METRICS_TOKEN: 'abc123', META_SECRET: 'hunter2', DB_PASSWORD: 'pw' }, '/'));
  assert.deepEqual(short.map((p) => p.split(' ')[0]).sort(), ['META_SECRET', 'METRICS_TOKEN']);
  assert.ok(
    short.every((p) => p.includes('shorter than 16 characters') && p.includes('scrutin key')),
    short.join(' | '),
  );
  // Real-looking values pass; development keeps working with a warning for each placeholder.
  assert.equal(
    parseConfig({ METRICS_TOKEN: 'Zq8m1-random-token-value', META_SECRET: 'a4f0c1d2e3b4a5968778', DB_PASSWORD: 'pw' }, '/').warnings.length,
    0,
  );
  const dev = parseConfig({ ...placeholders, APP_ENV: 'development' }, '/');
  for (const name of ['METRICS_TOKEN', 'META_SECRET', 'GITHUB_CLIENT_SECRET', 'DB_PASSWORD', 'META_REPO_TOKEN'])
    assert.ok(
      dev.warnings.some((w) => w.startsWith(name)),
      name,
    );
});

test('database limits, the derivation queue and META_MAX_AGE: defaults that fit a 60 s proxy, seconds with decimals, bad values named', () => {
  const d = parseConfig({ APP_ENV: 'development' }, '/');
  assert.deepEqual(d.dbLimits, { acquireMs: 5_000, statementMs: 10_000, lockMs: 5_000, requestMs: 20_000 });
  assert.deepEqual(d.kdfQueue, { maxWaitMs: 18_000, maxLength: null });
  assert.equal(d.metaMaxAgeMs, 900_000);
  // The queue, the database budget and a derivation of a few seconds stay inside 60 s.
  assert.ok(d.kdfQueue.maxWaitMs + d.dbLimits.requestMs + 10_000 <= 60_000);
  const set = parseConfig(
    {
      APP_ENV: 'development',
      DB_ACQUIRE_TIMEOUT: '0.5',
      DB_STATEMENT_TIMEOUT: '0',
      DB_LOCK_TIMEOUT: '2',
      DB_REQUEST_TIMEOUT: '7.25',
      KDF_QUEUE_TIMEOUT: '40',
      KDF_QUEUE_LIMIT: '12',
      META_MAX_AGE: '0',
    },
    '/',
  );
  assert.deepEqual(set.dbLimits, { acquireMs: 500, statementMs: 0, lockMs: 2_000, requestMs: 7_250 });
  assert.deepEqual(set.kdfQueue, { maxWaitMs: 40_000, maxLength: 12 });
  assert.equal(set.metaMaxAgeMs, 0);
  assert.throws(
    () =>
      parseConfig(
        { APP_ENV: 'development', DB_STATEMENT_TIMEOUT: '-1', DB_REQUEST_TIMEOUT: '10s', KDF_QUEUE_TIMEOUT: '0', KDF_QUEUE_LIMIT: 'many' },
        '/',
      ),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      for (const name of ['DB_STATEMENT_TIMEOUT', 'DB_REQUEST_TIMEOUT', 'KDF_QUEUE_TIMEOUT', 'KDF_QUEUE_LIMIT'])
        assert.ok(
          e.problems.some((p) => p.startsWith(name)),
          name,
        );
      return true;
    },
  );
});

test('WORKERS: one per core by default (blank too), a whole number from 1, anything else named', () => {
  assert.equal(parseConfig({ APP_ENV: 'development' }, '/').workers, availableParallelism());
  assert.equal(parseConfig({ APP_ENV: 'development', WORKERS: '' }, '/').workers, availableParallelism());
  assert.equal(parseConfig({ APP_ENV: 'development', WORKERS: '1' }, '/').workers, 1);
  assert.equal(parseConfig({ APP_ENV: 'development', WORKERS: '8' }, '/').workers, 8);
  for (const bad of ['0', '-1', '2.5', 'all', '1000']) {
    assert.throws(
      () => parseConfig({ APP_ENV: 'development', WORKERS: bad }, '/'),
      (e: unknown) => e instanceof ConfigError && e.message.includes('WORKERS'),
      bad,
    );
  }
});
