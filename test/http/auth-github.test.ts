// GitHub sign-in (SPEC §3) against a fake GitHub on 127.0.0.1: the authorization-code
// flow with state, the user upserted by GitHub id and login, the token never kept,
// every failure back at /login with a message, and only same-site redirects.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestApp, type TestApp, type TestClient } from '../helpers/app.js';
import { githubEnv, startFakeGitHub, type FakeGitHub } from '../helpers/fakeGithub.js';
import { entryOf, makeElection, snapshotOf } from '../helpers/meta.js';

const election = makeElection({ key: 'e1', voters: ['Octo-Cat'] });

/** Runs the browser's part of the dance: our server → GitHub's authorize page → back to our callback. */
async function githubSignIn(c: TestClient, form: Record<string, string> = {}) {
  const start = await c.post('/oauth/github/login', form, { csrfFrom: '/login' });
  assert.equal(start.statusCode, 303, `start: ${start.body.slice(0, 200)}`);
  const authorize = new URL(start.headers.location as string);
  const atGitHub = await fetch(authorize, { redirect: 'manual' });
  assert.equal(atGitHub.status, 302);
  const back = new URL(atGitHub.headers.get('location') ?? '');
  const callback = await c.get(`${back.pathname}${back.search}`);
  return { start, authorize, back, callback };
}

async function flashOnLogin(c: TestClient, location: string): Promise<string> {
  const page = await c.get(location);
  assert.equal(page.statusCode, 200);
  return page.body;
}

describe('GitHub sign-in', () => {
  let fake: FakeGitHub;
  let t: TestApp;
  before(async () => {
    fake = await startFakeGitHub();
    t = await startTestApp({
      env: { ...githubEnv(fake), APP_URL: 'http://vote.example.test' },
      snapshot: snapshotOf([entryOf(election)]),
      now: new Date('2026-01-05T12:00:00Z'),
    });
  });
  after(async () => {
    await t.close();
    await fake.close();
  });

  test('the login page offers "Sign in with GitHub" as a POST form, and no development sign-in', async () => {
    const c = t.client();
    const page = await c.get('/login?next=/app/elections/e1');
    assert.match(page.body, /<form method="post" action="\/oauth\/github\/login">/);
    assert.match(page.body, /Sign in with GitHub/);
    assert.match(page.body, /name="next" value="\/app\/elections\/e1"/);
    assert.doesNotMatch(page.body, /Development sign-in/);
    const dev = await c.post('/login/dev', { username: 'mallory' }, { csrfFrom: '/login' });
    assert.equal(dev.statusCode, 404, 'development sign-in cannot be used once GitHub is configured');
  });

  test('starting a sign-in needs the CSRF token', async () => {
    const c = t.client();
    await c.get('/login');
    const res = await c.post('/oauth/github/login', {});
    assert.equal(res.statusCode, 403);
  });

  test('the whole flow: state checked, user stored as GitHub spells it, lands on the page asked for', async () => {
    fake.account = { login: 'Octo-Cat', id: 9001, name: 'Octo Cat' };
    const c = t.client();
    const { start, authorize, back, callback } = await githubSignIn(c, { next: '/app/elections/e1' });
    assert.equal(authorize.origin, fake.url);
    assert.equal(authorize.pathname, '/login/oauth/authorize');
    assert.equal(authorize.searchParams.get('client_id'), fake.clientId);
    assert.equal(
      authorize.searchParams.get('redirect_uri'),
      'http://vote.example.test/oauth/github/callback',
      'callback = GITHUB_REDIRECT on APP_URL',
    );
    const state = authorize.searchParams.get('state') ?? '';
    assert.ok(state.length >= 20, 'a random state');
    const cookie = String(start.headers['set-cookie']);
    assert.match(cookie, /scrutin_oauth=/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.match(cookie, /Path=\/oauth\/github\/callback/);
    assert.match(cookie, /Max-Age=600/);
    assert.equal(back.searchParams.get('state'), state);

    assert.equal(callback.statusCode, 303);
    assert.equal(callback.headers.location, '/app/elections/e1');
    const user = await t.service.ctx.store.users.findByLogin('octo-cat');
    assert.deepEqual(user, { id: user?.id, login: 'Octo-Cat', name: 'Octo Cat', githubId: '9001' });
    const page = await c.get('/app/elections/e1');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Signed in as <strong>Octo-Cat<\/strong>/);
    assert.match(page.body, /have not voted yet/, 'the login matches voters.yaml');
  });

  test('the access token is never stored or logged', async () => {
    fake.account = { login: 'token-watch', id: 9002, name: null };
    await githubSignIn(t.client());
    assert.ok(fake.issuedTokens.length > 0);
    const logs = t.logs.join('\n');
    for (const token of fake.issuedTokens) assert.ok(!logs.includes(token), 'token in the logs');
    const rows = await sql<{ n: number }>`select count(*) as n from ${sql.table('user')} where token is not null`.execute(
      t.service.ctx.store.db,
    );
    assert.equal(Number(rows.rows[0]?.n), 0);
  });

  test('a renamed GitHub account stays the same user; the name is refreshed at each sign-in', async () => {
    fake.account = { login: 'old-name', id: 9003, name: 'First Name' };
    await githubSignIn(t.client());
    const before = await t.service.ctx.store.users.findByLogin('old-name');
    fake.account = { login: 'new-name', id: 9003, name: 'Second Name' };
    await githubSignIn(t.client());
    const afterRename = await t.service.ctx.store.users.findByLogin('new-name');
    assert.equal(afterRename?.id, before?.id);
    assert.equal(afterRename?.name, 'Second Name');
    assert.equal(await t.service.ctx.store.users.findByLogin('old-name'), null);
  });

  test('next values pointing at another site are ignored', async () => {
    fake.account = { login: 'redirect-check', id: 9004, name: null };
    for (const next of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)']) {
      const { callback } = await githubSignIn(t.client(), { next });
      assert.equal(callback.statusCode, 303);
      assert.equal(callback.headers.location, '/app', `next=${next}`);
    }
  });

  test('GET /login?r= (Elekto) and ?next= keep only same-site paths', async () => {
    const c = t.client();
    const r = await c.get('/login?r=%2Fapp%2Felections');
    assert.match(r.body, /name="next" value="\/app\/elections"/);
    const evil = await c.get('/login?next=https%3A%2F%2Fevil.example%2F');
    assert.doesNotMatch(evil.body, /name="next"/);
  });

  test('a callback whose state does not match is refused, back at /login with a message', async () => {
    const c = t.client();
    const start = await c.post('/oauth/github/login', {}, { csrfFrom: '/login' });
    assert.equal(start.statusCode, 303);
    const res = await c.get('/oauth/github/callback?code=whatever&state=forged-state-value-123456');
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/login');
    assert.match(await flashOnLogin(c, '/login'), /could not be verified/);
    assert.equal((await c.get('/app')).statusCode, 303, 'still signed out');
  });

  test('a callback without the state cookie (another browser, or too late) is refused', async () => {
    const c = t.client();
    const res = await c.get('/oauth/github/callback?code=abc&state=abcdefabcdefabcdefabcdef');
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/login');
    assert.match(await flashOnLogin(c, '/login'), /took too long or was started in another window/);
  });

  test('the state cookie is single-use: replaying the callback fails', async () => {
    fake.account = { login: 'replayer', id: 9005, name: null };
    const c = t.client();
    const { back } = await githubSignIn(c);
    const again = t.client();
    const res = await again.get(`${back.pathname}${back.search}`);
    assert.equal(res.headers.location, '/login');
  });

  const failures: Array<[FakeGitHub['mode'], RegExp]> = [
    ['deny', /You cancelled signing in at GitHub/],
    ['bad-code', /GitHub did not accept this sign-in/],
    ['token-500', /GitHub sign-in failed|could not be reached/],
    ['profile-401', /GitHub did not give us your profile/],
    ['profile-garbage', /unexpected answer/],
  ];
  for (const [mode, message] of failures) {
    test(`GitHub ${mode}: back to /login with a message, remembering the page, not signed in`, async () => {
      fake.mode = mode;
      try {
        const c = t.client();
        const { callback } = await githubSignIn(c, { next: '/app/elections/e1' });
        assert.equal(callback.statusCode, 303);
        assert.equal(callback.headers.location, '/login?next=%2Fapp%2Felections%2Fe1');
        const body = await flashOnLogin(c, callback.headers.location);
        assert.match(body, message);
        assert.match(body, /name="next" value="\/app\/elections\/e1"/);
        assert.equal((await c.get('/app')).statusCode, 303);
      } finally {
        fake.mode = 'approve';
      }
    });
  }

  test('every /app page sends a signed-out visitor to /login, remembering where they were going', async () => {
    const c = t.client();
    for (const path of [
      '/app',
      '/app/elections?status=running',
      '/app/elections/e1',
      '/app/elections/e1/vote',
      '/app/elections/e1/candidates/ann',
      '/app/elections/e1/exception',
      '/app/elections/e1/results/',
      '/app/elections/e1/confirmation',
    ]) {
      const res = await c.get(path);
      assert.equal(res.statusCode, 303, path);
      assert.equal(res.headers.location, `/login?next=${encodeURIComponent(path)}`, path);
    }
  });

  test('a signed-out POST to a ballot route is refused, not executed', async () => {
    const c = t.client();
    const token = await c.csrf('/login');
    const res = await c.post('/app/elections/e1/vote', { _csrf: token, 'candidate@ann': '1' });
    assert.equal(res.statusCode, 401);
  });
});

describe('GitHub Enterprise: an API URL with a path', () => {
  let fake: FakeGitHub;
  let t: TestApp;
  before(async () => {
    fake = await startFakeGitHub({ apiPrefix: '/api/v3' });
    t = await startTestApp({ env: githubEnv(fake, '/api/v3') });
  });
  after(async () => {
    await t.close();
    await fake.close();
  });

  test('the profile is read from GITHUB_API_URL/user, keeping its path', async () => {
    fake.account = { login: 'ghe-user', id: 77, name: 'GHE User' };
    const { callback } = await githubSignIn(t.client());
    assert.equal(callback.headers.location, '/app');
    assert.ok(fake.requests.includes('GET /api/v3/user'));
    assert.equal((await t.service.ctx.store.users.findByLogin('ghe-user'))?.githubId, '77');
  });
});
