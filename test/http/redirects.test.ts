// Issue 14, item 3: no `next` value of any shape leaves the site, through every route
// that redirects to one (GET /login, POST /login/dev, the GitHub callback); the OAuth
// pending cookie is signed, bound to the browser's session and refused when forged,
// carried to another browser or late; cookie names take the `__Host-` prefix under https.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { safeNext } from '../../src/http/safeNext.js';
import { startTestApp, type TestApp, type TestClient } from '../helpers/app.js';
import { githubEnv, startFakeGitHub, type FakeGitHub } from '../helpers/fakeGithub.js';

const SITE = 'https://vote.example.test';

/** Every shape from issue 14 and more: dot segments, encodings, backslashes, controls, schemes. */
const HOSTILE = [
  '/.//evil.example/login',
  '/%2e//evil.example',
  '/..//evil.example',
  '/.//evil',
  '/%2e//evil',
  '/..//evil',
  '/\\evil',
  '//evil',
  '/%2F/evil',
  '/%2f%2fevil',
  '///evil',
  '////evil',
  '/\\/evil',
  '\\/evil',
  '\\\\evil',
  '/.\\evil',
  '/%5Cevil',
  '/%5c%5cevil',
  '/%5C/evil',
  '/\t/evil.example',
  '/\n/evil.example',
  '/\r\n/evil.example',
  '\t//evil.example',
  ' //evil.example',
  '/ /evil.example',
  '/\u0000/evil',
  '/\u007f/evil',
  '/\u0085/evil',
  '/%09/evil',
  '/%0a/evil',
  '/%0d%0a//evil',
  '/%00//evil',
  '/%252F%252Fevil',
  '/%25252F/evil',
  '/%2e%2e//evil',
  '/.%2e//evil',
  '/%2e.//evil',
  '/%2E%2E/%2E%2E//evil',
  '/a/../..//evil',
  '/a/..%2F..%2F/evil',
  '/a/%2e%2e%2f%2e%2e%2f/evil',
  '/././/evil',
  '/x/./..//evil',
  '/%2e%2f%2fevil',
  '/.%2F%2Fevil',
  'https://evil.example/',
  'http:evil.example',
  'https:/evil.example',
  '//evil.example/x',
  'javascript:alert(1)',
  'data:text/html,x',
  'evil.example',
  '',
  `/${'a'.repeat(2100)}`,
  '/%',
  '/%zz//evil',
];

/** Whether a Location header keeps the browser on SITE, read as a browser reads it. */
function staysOnSite(location: string): boolean {
  if (!location.startsWith('/') || location.startsWith('//') || location.includes('\\')) return false;
  const url = new URL(location, SITE);
  return url.origin === SITE && !url.pathname.startsWith('//') && !decodeURIComponent(url.pathname).startsWith('//');
}

describe('safeNext', () => {
  test('every hostile shape is refused, or made into a path on this site', () => {
    for (const raw of HOSTILE) {
      const out = safeNext(raw);
      assert.ok(out === null || staysOnSite(out), `${JSON.stringify(raw)} → ${String(out)}`);
    }
  });

  test('the dangerous shapes of issue 14 are refused outright', () => {
    for (const raw of [
      '/.//evil.example/login',
      '/%2e//evil.example',
      '/..//evil.example',
      '/%2F/evil',
      '/\\evil',
      '//evil',
      '/\t/evil',
      '/%252F%252Fevil',
      '/a/..%2F..%2F/evil',
    ]) {
      assert.equal(safeNext(raw), null, JSON.stringify(raw));
    }
  });

  test('ordinary paths are kept, dot segments resolved, query kept, fragment dropped', () => {
    const cases: Array<[unknown, string | null]> = [
      ['/app/elections/2021---GB', '/app/elections/2021---GB'],
      ['/app/elections?status=running&page=2', '/app/elections?status=running&page=2'],
      ['/app/elections?q=a%20b', '/app/elections?q=a%20b'],
      ['/app/./elections/../elections/x', '/app/elections/x'],
      ['/app/elections/x#section', '/app/elections/x'],
      ['/', '/'],
      ['/@evil.example', '/@evil.example'],
      ['/app/élection', '/app/%C3%A9lection'],
      [42, null],
      [null, null],
      [['/app'], null],
    ];
    for (const [raw, expected] of cases) assert.equal(safeNext(raw), expected, JSON.stringify(raw));
  });
});

describe('routes that redirect to a next value', () => {
  let fake: FakeGitHub;
  let dev: TestApp;
  let gh: TestApp;
  let client = 0;
  /** A client of its own address, so the sign-in routes' per-address limits are not what is tested. */
  const fresh = (t: TestApp): TestClient => {
    const c = t.client();
    client++;
    c.remoteAddress = `10.1.${Math.floor(client / 250)}.${client % 250}`;
    return c;
  };

  before(async () => {
    fake = await startFakeGitHub();
    dev = await startTestApp({ env: { APP_URL: SITE } });
    gh = await startTestApp({ env: { ...githubEnv(fake), APP_URL: SITE } });
  });
  after(async () => {
    await dev.close();
    await gh.close();
    await fake.close();
  });

  test('GET /login?next= for a signed-in user, and ?r= (Elekto)', async () => {
    const c = fresh(dev);
    await c.signIn('alice');
    for (const raw of HOSTILE) {
      for (const param of ['next', 'r']) {
        const res = await c.get(`/login?${param}=${encodeURIComponent(raw)}`);
        assert.equal(res.statusCode, 303);
        assert.ok(staysOnSite(String(res.headers.location)), `${param}=${JSON.stringify(raw)} → ${String(res.headers.location)}`);
      }
    }
  });

  test('GET /login?next= for a signed-out user: the form carries only a safe next', async () => {
    const c = fresh(dev);
    for (const raw of HOSTILE) {
      const page = await c.get(`/login?next=${encodeURIComponent(raw)}`);
      assert.equal(page.statusCode, 200);
      const next = /name="next" value="([^"]*)"/.exec(page.body)?.[1];
      if (next !== undefined) assert.ok(staysOnSite(next.replaceAll('&amp;', '&')), `${JSON.stringify(raw)} → ${next}`);
    }
  });

  test('POST /login/dev with a next field', async () => {
    for (const raw of HOSTILE) {
      const c = fresh(dev);
      const res = await c.post('/login/dev', { username: 'bob', next: raw }, { csrfFrom: '/login' });
      assert.equal(res.statusCode, 303);
      assert.ok(staysOnSite(String(res.headers.location)), `${JSON.stringify(raw)} → ${String(res.headers.location)}`);
    }
  });

  test('the GitHub callback, with next given when the sign-in started', async () => {
    fake.account = { login: 'carol', id: 4242, name: null };
    for (const raw of HOSTILE) {
      const c = fresh(gh);
      const start = await c.post('/oauth/github/login', { next: raw }, { csrfFrom: '/login' });
      assert.equal(start.statusCode, 303);
      const atGitHub = await fetch(new URL(start.headers.location as string), { redirect: 'manual' });
      const back = new URL(atGitHub.headers.get('location') ?? '');
      const callback = await c.get(`${back.pathname}${back.search}`);
      assert.equal(callback.statusCode, 303);
      assert.ok(staysOnSite(String(callback.headers.location)), `${JSON.stringify(raw)} → ${String(callback.headers.location)}`);
    }
  });
});

describe('the pending GitHub sign-in cookie', () => {
  let fake: FakeGitHub;
  let t: TestApp;
  const NOW = new Date('2026-04-01T12:00:00Z');
  before(async () => {
    fake = await startFakeGitHub();
    t = await startTestApp({ env: { ...githubEnv(fake), APP_URL: 'http://vote.example.test' }, now: NOW });
  });
  after(async () => {
    await t.close();
    await fake.close();
  });

  const tokenCalls = () => fake.requests.filter((r) => r === 'POST /login/oauth/access_token').length;

  async function start(c: TestClient, next = '/app/elections') {
    const res = await c.post('/oauth/github/login', { next }, { csrfFrom: '/login' });
    assert.equal(res.statusCode, 303);
    const state = new URL(res.headers.location as string).searchParams.get('state') ?? '';
    return { state, cookie: c.cookies.get('scrutin_oauth') ?? '' };
  }

  async function refused(c: TestClient, url: string) {
    const calls = tokenCalls();
    const res = await c.get(url);
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/login');
    assert.equal(tokenCalls(), calls, 'GitHub was not even asked');
    assert.match((await c.get('/login')).body, /took too long or was started in another window/);
    assert.equal((await c.get('/app')).statusCode, 303, 'not signed in');
  }

  test('a made-up cookie (unsigned, as before, or with a wrong signature) is refused', async () => {
    const state = 'attacker-chosen-state-0123456789';
    const payload = Buffer.from(JSON.stringify({ state, next: '/app', exp: NOW.getTime() + 60_000 })).toString('base64url');
    for (const forged of [payload, `${payload}.${Buffer.alloc(32).toString('base64url')}`, `${payload}.`, `${payload}.x.y`]) {
      const c = t.client();
      await c.get('/login');
      c.cookies.set('scrutin_oauth', forged);
      await refused(c, `/oauth/github/callback?code=attacker-code&state=${state}`);
    }
  });

  test('a genuine cookie with its next changed is refused', async () => {
    const c = t.client();
    await c.get('/login');
    const { state, cookie } = await start(c);
    const [payload, mac] = cookie.split('.');
    const data = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
    c.cookies.set(
      'scrutin_oauth',
      `${Buffer.from(JSON.stringify({ ...data, next: '/app/elections/other' })).toString('base64url')}.${mac!}`,
    );
    await refused(c, `/oauth/github/callback?code=x&state=${state}`);
  });

  test('a genuine cookie carried into another browser is refused (it is bound to the session that started the sign-in)', async () => {
    const victim = t.client();
    await victim.get('/login');
    const attacker = t.client();
    await attacker.get('/login');
    const { state, cookie } = await start(attacker);
    victim.cookies.set('scrutin_oauth', cookie);
    await refused(victim, `/oauth/github/callback?code=attacker-code&state=${state}`);
  });

  test('a cookie older than ten minutes is refused, whatever the browser kept', async () => {
    fake.account = { login: 'slow', id: 31337, name: null };
    const c = t.client();
    await c.get('/login');
    const begun = await c.post('/oauth/github/login', {}, { csrfFrom: '/login' });
    const atGitHub = await fetch(new URL(begun.headers.location as string), { redirect: 'manual' });
    const back = new URL(atGitHub.headers.get('location') ?? '');
    t.setNow(new Date(NOW.getTime() + 10 * 60_000 + 1000));
    try {
      await refused(c, `${back.pathname}${back.search}`);
    } finally {
      t.setNow(NOW);
    }
  });

  test('the genuine cookie, in time, in the same browser, signs in', async () => {
    fake.account = { login: 'prompt', id: 31338, name: null };
    const c = t.client();
    await c.get('/login');
    const begun = await c.post('/oauth/github/login', { next: '/app/elections' }, { csrfFrom: '/login' });
    const atGitHub = await fetch(new URL(begun.headers.location as string), { redirect: 'manual' });
    const back = new URL(atGitHub.headers.get('location') ?? '');
    const callback = await c.get(`${back.pathname}${back.search}`);
    assert.equal(callback.headers.location, '/app/elections');
  });
});

describe('cookie names under https', () => {
  let fake: FakeGitHub;
  let t: TestApp;
  before(async () => {
    fake = await startFakeGitHub();
    t = await startTestApp({ env: { ...githubEnv(fake), APP_URL: SITE } });
  });
  after(async () => {
    await t.close();
    await fake.close();
  });

  test('the session and pending cookies are __Host- cookies: Secure, path /, no domain; sign-in works', async () => {
    fake.account = { login: 'secure-user', id: 777, name: null };
    const c = t.client();
    const login = await c.get('/login');
    const session = String(login.headers['set-cookie']);
    assert.match(session, /^__Host-scrutin_session=/);
    assert.match(session, /; Secure/);
    assert.match(session, /; Path=\/(;|$)/);
    assert.doesNotMatch(session, /Domain=/i);
    const start = await c.post('/oauth/github/login', { next: '/app/elections' }, { csrfFrom: '/login' });
    const pending = ([] as string[]).concat(start.headers['set-cookie'] ?? []).find((h) => h.includes('scrutin_oauth')) ?? '';
    assert.match(pending, /^__Host-scrutin_oauth=/);
    assert.match(pending, /; Secure/);
    assert.match(pending, /; Path=\/(;|$)/);
    assert.doesNotMatch(pending, /Domain=/i);
    const atGitHub = await fetch(new URL(start.headers.location as string), { redirect: 'manual' });
    const back = new URL(atGitHub.headers.get('location') ?? '');
    assert.equal(back.origin, SITE);
    const callback = await c.get(`${back.pathname}${back.search}`);
    assert.equal(callback.headers.location, '/app/elections');
    assert.equal((await c.get('/app')).statusCode, 200);
    assert.ok(!c.cookies.has('scrutin_session') && c.cookies.has('__Host-scrutin_session'));
  });
});
