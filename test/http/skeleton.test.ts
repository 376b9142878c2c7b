// The HTTP skeleton: health, redirects, error pages with real statuses, security
// headers, CSRF on every form, sessions that cannot be forged, safe redirects.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { safeNext } from '../../src/http/session.js';
import { entryOf, makeElection, snapshotOf } from '../helpers/meta.js';

describe('HTTP skeleton', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t.close();
  });

  test('GET /health, /health/live and /health/ready answer 200 with the status only', async () => {
    const res = await t.client().get('/health');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ok' });
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.deepEqual((await t.client().get('/health/live')).json(), { status: 'ok' });
    const ready = await t.client().get('/health/ready');
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json(), { status: 'ready' });
  });

  test('GET / redirects to /app', async () => {
    const c = t.client();
    const root = await c.get('/');
    assert.equal(root.statusCode, 302);
    assert.equal(root.headers.location, '/app');
  });

  test('an unknown page is a 404 page, not a 200', async () => {
    const res = await t.client().get('/no/such/page');
    assert.equal(res.statusCode, 404);
    assert.match(res.headers['content-type'] as string, /text\/html/);
    assert.match(res.body, /Not found/);
  });

  test('pages carry a strict CSP without unsafe-inline and no third-party origins except the GitHub form target', async () => {
    const res = await t.client().get('/login');
    const csp = res.headers['content-security-policy'] as string;
    assert.ok(csp.includes("script-src 'self'"));
    assert.ok(!csp.includes('unsafe-inline'));
    assert.ok(!csp.includes('unsafe-eval'));
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.doesNotMatch(res.body, /<script(?![^>]*src="\/assets\/)/, 'no inline script');
    assert.doesNotMatch(res.body, /(src|href)="https?:\/\//, 'nothing loaded from another origin');
  });

  test('every answer (page, 404, asset, POST refused) carries the same full set of security headers', async () => {
    const expected = {
      'content-security-policy':
        "default-src 'self';script-src 'self';style-src 'self';img-src 'self';font-src 'self';connect-src 'self';" +
        "form-action 'self' https://github.com;frame-ancestors 'none';base-uri 'none';object-src 'none'",
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'origin-agent-cluster': '?1',
      'referrer-policy': 'same-origin',
      'x-content-type-options': 'nosniff',
      'x-dns-prefetch-control': 'off',
      'x-download-options': 'noopen',
      'x-frame-options': 'SAMEORIGIN',
      'x-permitted-cross-domain-policies': 'none',
      'x-xss-protection': '0',
    };
    const c = t.client();
    const login = await c.get('/login');
    const css = /href="(\/assets\/app\.css[^"]*)"/.exec(login.body)?.[1] ?? '';
    const answers = [login, await c.get('/no/such/page'), await c.get(css), await c.post('/logout', {})];
    assert.deepEqual(
      answers.map((r) => r.statusCode),
      [200, 404, 200, 403],
    );
    for (const res of answers) {
      for (const [name, value] of Object.entries(expected)) assert.equal(res.headers[name], value, `${name} on a ${res.statusCode}`);
      // Plain http here: no HSTS (an https APP_URL sends it: test/deploy/nginx.test.ts).
      assert.equal(res.headers['strict-transport-security'], undefined);
    }
  });

  test('sign-in sets the whole session at once: later pages with forms do not write the cookie again', async () => {
    const c = t.client();
    await c.signIn('alice');
    for (const path of ['/app', '/app/elections', '/app']) {
      const res = await c.get(path);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /name="_csrf" value="[^"]+"/, `${path} has a form`);
      assert.equal(res.headers['set-cookie'], undefined, `${path} leaves the cookie as it is`);
    }
  });

  test('the session cookie is HttpOnly and SameSite=Lax', async () => {
    const res = await t.client().get('/login');
    const cookie = String(res.headers['set-cookie']);
    assert.match(cookie, /scrutin_session=/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
  });

  test('a POST without a CSRF token is refused with 403 and changes nothing', async () => {
    const c = t.client();
    await c.get('/login');
    const res = await c.post('/login/dev', { username: 'mallory' });
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /form has expired/);
    assert.equal(await t.service.ctx.store.users.findByLogin('mallory'), null);
  });

  test('a CSRF token from another session is refused', async () => {
    const a = t.client();
    const token = await a.csrf('/login');
    const b = t.client();
    await b.get('/login');
    const res = await b.post('/login/dev', { username: 'mallory', _csrf: token });
    assert.equal(res.statusCode, 403);
  });

  test('development sign-in creates the user, starts a session and lands on the page asked for', async () => {
    const c = t.client();
    const res = await c.post('/login/dev', { username: 'Alice', next: '/app/elections?status=running' }, { csrfFrom: '/login' });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/app/elections?status=running');
    const user = await t.service.ctx.store.users.findByLogin('alice');
    assert.equal(user?.login, 'Alice');
    const login = await c.get('/login');
    assert.equal(login.statusCode, 303, 'a signed-in user is sent on from /login');
  });

  test('after sign-in, a next pointing at another site is ignored', async () => {
    for (const next of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)']) {
      const c = t.client();
      const res = await c.post('/login/dev', { username: 'bob', next }, { csrfFrom: '/login' });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/app', `next=${next}`);
    }
  });

  test('an invalid login on the development form is a 400 with an explanation', async () => {
    const c = t.client();
    const res = await c.post('/login/dev', { username: '-bad--login-' }, { csrfFrom: '/login' });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /GitHub login/);
  });

  test('a tampered session cookie is ignored (treated as signed out), not trusted', async () => {
    const c = t.client();
    await c.signIn('carol');
    const value = c.cookies.get('scrutin_session')!;
    const flipped = value.slice(0, 10) + (value[10] === 'A' ? 'B' : 'A') + value.slice(11);
    c.cookies.set('scrutin_session', flipped);
    const login = await c.get('/login');
    assert.equal(login.statusCode, 200, 'the tampered session is not signed in');
    assert.doesNotMatch(login.body, /Signed in as/);
  });

  test('sign-out is a POST and ends the session', async () => {
    const c = t.client();
    await c.signIn('dave');
    // Any page a signed-in user sees carries the sign-out form (here, a 404 page).
    const page = await c.get('/no-such-page');
    assert.match(page.body, /Signed in as <strong>dave<\/strong>/);
    const res = await c.post('/logout', {}, { csrfFrom: '/no-such-page' });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/login');
    const login = await c.get('/login');
    assert.equal(login.statusCode, 200, 'signed out: /login shows the form again');
    assert.match(login.body, /You are signed out/);
    const get = await c.get('/logout');
    assert.equal(get.statusCode, 303, 'GET /logout changes nothing and redirects');
  });
});

describe('safeNext', () => {
  test('keeps same-site paths and drops everything else', () => {
    assert.equal(safeNext('/app/elections/x?y=1'), '/app/elections/x?y=1');
    assert.equal(safeNext('/'), '/');
    for (const bad of ['//evil.com', 'https://evil.com', '/\\evil.com', 'evil.com', '', '/a\nb', 42, null, '/%0d%0aSet-Cookie:x']) {
      const out = safeNext(bad);
      assert.ok(out === null || (out.startsWith('/') && !out.startsWith('//') && !/[\r\n]/.test(out)), `${String(bad)} → ${String(out)}`);
    }
    assert.equal(safeNext('//evil.com'), null);
    assert.equal(safeNext('https://evil.com'), null);
  });
});

describe('the development sign-in hint', () => {
  test('suggests each login once whatever its letter case, and one login on no voter list', async () => {
    const t = await startTestApp({
      snapshot: snapshotOf([
        entryOf(makeElection({ key: 'a', voters: ['alice', 'Carol', 'dave'], officers: ['olivia'] })),
        entryOf(makeElection({ key: 'b', voters: ['carol', 'ALICE', 'erin'], officers: ['Olivia'] })),
      ]),
    });
    try {
      const body = (await t.client().get('/login')).body;
      const hint = /Demo logins: ([^<]*)\./.exec(body)?.[1] ?? '';
      assert.deepEqual(hint.split(', '), ['olivia', 'alice', 'Carol', 'dave', 'erin', 'mallory']);
      const listed = await startTestApp({
        snapshot: snapshotOf([entryOf(makeElection({ key: 'c', voters: ['Mallory', 'bob'], officers: ['olivia'] }))]),
      });
      try {
        const other = (await listed.client().get('/login')).body;
        assert.deepEqual(/Demo logins: ([^<]*)\./.exec(other)?.[1]?.split(', '), ['olivia', 'Mallory', 'bob'], 'a listed mallory, once');
      } finally {
        await listed.close();
      }
    } finally {
      await t.close();
    }
  });
});
