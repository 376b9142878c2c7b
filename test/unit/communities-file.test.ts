import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRemoteRepo, parseCommunitiesFile, resolveCommunitySecrets } from '../../src/core/communities/file.js';
import { ConfigError, parseConfig } from '../../src/config.js';

const GOOD = `communities:
  - key: k8s
    name: Kubernetes
    meta_repo: https://github.com/kubernetes/community
    meta_branch: main
    election_dir: elections
    meta_secret_env: K8S_META_SECRET
    meta_token_env: K8S_META_TOKEN
    hosts: [Elections.K8s.io]
    default: true
    colour: "#326ce5"
    contact: steering@kubernetes.io
  - key: otel
    name: OpenTelemetry
    meta_repo: ../otel-meta
    meta_secret_env: OTEL_META_SECRET
    logo: /assets/otel.svg
    color: "#f5a800"
`;

function at<T>(list: readonly T[], index: number): T {
  const item = list[index];
  assert.ok(item !== undefined, `no item ${index}`);
  return item;
}

function errors(text: string): { line: number | undefined; message: string }[] {
  return parseCommunitiesFile(text, 'communities.yaml')
    .problems.filter((p) => p.severity === 'error')
    .map((p) => ({ line: p.line, message: p.message }));
}

test('reads every key of SPEC §10, with the defaults', () => {
  const { communities, problems } = parseCommunitiesFile(GOOD, 'communities.yaml');
  assert.deepEqual(problems, []);
  assert.equal(communities.length, 2);
  const k8s = at(communities, 0);
  const otel = at(communities, 1);
  assert.deepEqual(
    { ...k8s, line: undefined },
    {
      key: 'k8s',
      name: 'Kubernetes',
      metaRepo: 'https://github.com/kubernetes/community',
      metaBranch: 'main',
      electionDir: 'elections',
      metaSecretEnv: 'K8S_META_SECRET',
      metaTokenEnv: 'K8S_META_TOKEN',
      hosts: ['elections.k8s.io'],
      isDefault: true,
      logo: null,
      colour: '#326ce5',
      contact: 'steering@kubernetes.io',
      line: undefined,
    },
  );
  assert.equal(k8s.line, 2);
  assert.equal(otel.metaBranch, 'main');
  assert.equal(otel.electionDir, 'elections');
  assert.equal(otel.metaTokenEnv, null);
  assert.equal(otel.isDefault, false);
  assert.equal(otel.colour, '#f5a800', 'the American spelling is accepted too');
  assert.equal(otel.logo, '/assets/otel.svg');
});

test('bad keys, duplicates and two defaults are errors with their line', () => {
  const text = `communities:
  - key: K8s
    name: Kubernetes
    meta_repo: https://example.org/a
  - key: a
    name: A
    meta_repo: https://example.org/b
    default: true
    hosts: [x.example.org]
  - key: a
    name: Again
    meta_repo: https://example.org/c
  - key: b
    name: B
    meta_repo: https://example.org/d
    default: true
    hosts: [X.example.org, "http://y/"]
  - key: c
    meta_repo: https://example.org/e
  - key: d
    name: D
`;
  assert.deepEqual(errors(text), [
    { line: 2, message: '"key" must be lower-case letters, digits and hyphens, starting with a letter or digit (got "K8s")' },
    { line: 10, message: 'the key "a" is used twice (first on line 5)' },
    { line: 17, message: 'b: the host "x.example.org" is already given to a' },
    { line: 17, message: 'b: "http://y/" is not a host name (write elections.example.org, no scheme or path)' },
    { line: 16, message: 'b: only one community can be the default (a already is)' },
    { line: 18, message: 'c: "name" (shown on its pages) is required' },
    { line: 20, message: 'd: "meta_repo" (an https or ssh URL, or a local path) is required' },
  ]);
});

test('secrets are refused in the file, and never echoed', () => {
  const secret = 'hunter2-very-secret-value-1234';
  const text = `communities:
  - key: a
    name: A
    meta_repo: https://user:${secret}@example.org/a
    meta_secret_env: ${secret}
    meta_token_env: ghp_ABCDEF0123456789
    meta_secret: ${secret}
`;
  const found = errors(text);
  assert.deepEqual(
    found.map((e) => e.line),
    [7, 4, 5, 6],
  );
  assert.match(found[0]?.message ?? '', /secrets are never written in this file.*meta_secret_env/);
  assert.match(found[2]?.message ?? '', /must be the NAME of an environment variable/);
  for (const e of found) {
    assert.ok(!e.message.includes(secret), e.message);
    assert.ok(!e.message.includes('ghp_'), e.message);
  }
});

test('not a list, not a mapping, broken YAML, misspelt keys', () => {
  assert.deepEqual(errors(''), [{ line: undefined, message: 'the file must be a mapping with a "communities:" list' }]);
  assert.deepEqual(errors('communities: []\n'), [{ line: 1, message: '"communities:" must be a list with at least one community' }]);
  assert.deepEqual(errors('communities:\n  - just text\n'), [
    { line: 2, message: 'each community must be a mapping (key, name, meta_repo, …)' },
  ]);
  assert.equal(errors('communities:\n  - key: [a\n').length > 0, true);
  const { problems, communities } = parseCommunitiesFile(
    'communities:\n  - key: a\n    name: A\n    meta_repo: /r\n    meta_brnach: dev\n    colour: "#12345"\n',
    'c.yaml',
  );
  assert.equal(communities.length, 0);
  assert.deepEqual(
    problems.map((p) => [p.severity, p.line, p.message]),
    [
      ['warning', 5, 'unknown key "meta_brnach" is ignored (did you mean "meta_branch"?)'],
      ['error', 6, 'a: "colour" must be a hex colour such as "#326ce5" (in quotes: # starts a comment)'],
    ],
  );
  assert.deepEqual(errors('communities:\n  - key: a\n    name: A\n    meta_repo: /r\n    election_dir: ../x\n'), [
    { line: 5, message: 'a: "election_dir" must stay inside the repository (no "..")' },
  ]);
});

test('secrets come from the named variables; a missing one is an error naming it', () => {
  const { communities } = parseCommunitiesFile(GOOD, 'c.yaml');
  const ok = resolveCommunitySecrets(communities, { K8S_META_SECRET: 's1', K8S_META_TOKEN: 't1', OTEL_META_SECRET: 's2' }, 'c.yaml');
  assert.deepEqual(ok.problems, []);
  assert.deepEqual(ok.secrets.get('k8s'), { secret: 's1', token: 't1' });
  assert.deepEqual(ok.secrets.get('otel'), { secret: 's2', token: null });
  const missing = resolveCommunitySecrets(communities, { K8S_META_SECRET: 's1', OTEL_META_SECRET: '  ' }, 'c.yaml');
  assert.deepEqual(
    missing.problems.map((p) => `${p.line ?? ''} ${p.message}`),
    [
      '2 k8s: the environment variable K8S_META_TOKEN (meta_token_env, its repository token) is not set',
      '13 otel: the environment variable OTEL_META_SECRET (meta_secret_env, its webhook secret) is not set',
    ],
  );
});

function writeFile(text: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'scrutin-communities-'));
  const file = join(dir, 'communities.yaml');
  writeFileSync(file, text);
  return { dir, file };
}

test('COMMUNITIES in the configuration: clones under META_PATH, local paths from the file', () => {
  const { dir, file } = writeFile(GOOD);
  const c = parseConfig(
    {
      APP_ENV: 'development',
      COMMUNITIES: file,
      META_PATH: '/var/lib/scrutin/meta',
      K8S_META_SECRET: 'k8s-secret-0123456789',
      K8S_META_TOKEN: 'tok',
      OTEL_META_SECRET: 'otel-secret-0123456789',
    },
    '/srv',
  );
  assert.ok(c.communities !== null);
  assert.equal(c.communities.length, 2);
  const k8s = at(c.communities, 0);
  const otel = at(c.communities, 1);
  assert.equal(k8s.meta.path, '/var/lib/scrutin/meta/k8s');
  assert.equal(k8s.meta.repo, 'https://github.com/kubernetes/community');
  assert.equal(k8s.meta.secret, 'k8s-secret-0123456789');
  assert.equal(k8s.meta.token, 'tok');
  assert.equal(otel.meta.repo, join(dir, '..', 'otel-meta'));
  assert.equal(otel.meta.path, '/var/lib/scrutin/meta/otel');
  assert.equal(otel.meta.followInterval, 5);
});

test('without COMMUNITIES: one community, as before', () => {
  assert.equal(parseConfig({ APP_ENV: 'development' }, '/').communities, null);
});

test('COMMUNITIES problems stop startup with file and line, with every other problem', () => {
  const { file } = writeFile(
    'communities:\n  - key: a\n    name: A\n    meta_repo: https://example.org/a\n    meta_secret_env: A_SECRET\n',
  );
  try {
    parseConfig({ APP_ENV: 'development', COMMUNITIES: file, META_REPO: '/x', APP_PORT: 'x' }, '/');
    assert.fail('expected a ConfigError');
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    assert.deepEqual(error.problems, [
      'APP_PORT must be a whole number from 1 to 65535 (got "x")',
      `COMMUNITIES ${file}:2: a: the environment variable A_SECRET (meta_secret_env, its webhook secret) is not set`,
      "META_REPO is set as well as COMMUNITIES: each community's meta repository is in the file; unset META_REPO",
    ]);
  }
  assert.throws(
    () => parseConfig({ APP_ENV: 'development', COMMUNITIES: '/nonexistent/communities.yaml' }, '/'),
    /COMMUNITIES names \/nonexistent\/communities.yaml, which cannot be read \(ENOENT\)/,
  );
});

test('production with COMMUNITIES needs no META_REPO', () => {
  const { file } = writeFile('communities:\n  - key: a\n    name: A\n    meta_repo: https://example.org/a\n');
  const c = parseConfig(
    {
      COMMUNITIES: file,
      APP_KEY: 'a-strong-enough-key-here',
      APP_URL: 'https://elections.example.org',
      GITHUB_CLIENT_ID: 'id',
      GITHUB_CLIENT_SECRET: 'secret-from-github',
    },
    '/',
    { purpose: 'serve' },
  );
  assert.equal(c.communities?.[0]?.key, 'a');
  assert.ok(c.warnings.some((w) => w.includes('/c/a/v1/webhooks/meta/sync will answer 503')));
});

test("a community's secrets are judged as META_SECRET and META_REPO_TOKEN are: placeholders stop production, unechoed", () => {
  const { file } = writeFile(
    'communities:\n  - key: a\n    name: A\n    meta_repo: https://example.org/a\n    meta_secret_env: A_SECRET\n    meta_token_env: A_TOKEN\n  - key: b\n    name: B\n    meta_repo: https://example.org/b\n    meta_secret_env: B_SECRET\n',
  );
  const production = {
    COMMUNITIES: file,
    APP_KEY: 'a-strong-enough-key-here',
    APP_URL: 'https://elections.example.org',
    GITHUB_CLIENT_ID: 'id',
    GITHUB_CLIENT_SECRET: 'secret-from-github',
  };
  const placeholders = { A_SECRET: 'REPLACE-ME-a-webhook-secret', A_TOKEN: 'REPLACE-ME-a-token', B_SECRET: 'hunter2' };
  let problems: readonly string[] = [];
  assert.throws(
    () => parseConfig({ ...production, ...placeholders }, '/', { purpose: 'serve' }),
    (e: unknown) => e instanceof ConfigError && (problems = e.problems).length > 0,
  );
  assert.deepEqual(
    problems.map((p) => p.split(',')[0]),
    [
      'A_SECRET is a well-known placeholder',
      "A_TOKEN is still the example file's placeholder: set the real value",
      'B_SECRET is shorter than 16 characters',
    ],
  );
  assert.ok(problems[0]?.includes("anyone could sign a's webhook deliveries"));
  for (const value of Object.values(placeholders)) assert.ok(!problems.some((p) => p.includes(value)), `${value} is not echoed`);
  // Real values pass; development warns.
  const real = { A_SECRET: 'a4f0c1d2e3b4a5968778', A_TOKEN: 'ghp_issuedElsewhere', B_SECRET: 'Zq8m1-random-secret-value' };
  assert.deepEqual(parseConfig({ ...production, ...real }, '/', { purpose: 'serve' }).warnings, []);
  const dev = parseConfig({ ...production, ...placeholders, APP_ENV: 'development' }, '/', { purpose: 'serve' });
  assert.deepEqual(
    dev.warnings.map((w) => w.split(' ')[0]),
    ['A_SECRET', 'A_TOKEN', 'B_SECRET'],
  );
});

test('meta_repo: URLs and ssh are remote; anything else is a local path', () => {
  for (const remote of ['https://github.com/k/c', 'ssh://git@github.com/k/c.git', 'git@github.com:k/c.git', 'file:///srv/meta.git'])
    assert.equal(isRemoteRepo(remote), true, remote);
  for (const local of ['../meta', '/srv/meta.git', 'meta', './a:b/c']) assert.equal(isRemoteRepo(local), false, local);
});
