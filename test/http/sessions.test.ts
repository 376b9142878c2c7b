// Issue 14, item 5: sessions really end. Signing out (here, or "everywhere") moves the
// user's session generation in the database, so a copy of the cookie taken before is
// refused after; a session ends 12 hours after sign-in however active it is; a session
// of an older format is refused; the login shown is the database's.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SESSION_SECONDS } from '../../src/http/session.js';
import { startTestApp, type TestApp, type TestClient } from '../helpers/app.js';
import { dialects } from '../helpers/db.js';

const T0 = new Date('2026-02-02T08:00:00Z');

/** A second browser holding a copy of `c`'s cookies (a stolen or synced cookie). */
function copyOf(t: TestApp, c: TestClient): TestClient {
  const copy = t.client();
  for (const [name, value] of c.cookies) copy.cookies.set(name, value);
  return copy;
}

async function signedIn(c: TestClient): Promise<boolean> {
  const res = await c.get('/app');
  if (res.statusCode === 200) return true;
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, '/login?next=%2Fapp');
  return false;
}

for (const kind of dialects()) {
  describe(`sessions on ${kind}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp({ kind, now: T0 });
    });
    after(async () => {
      await t.close();
    });

    test('a cookie copied before sign-out is refused after it, for pages and for forms', async () => {
      t.setNow(T0);
      const c = t.client();
      await c.signIn('alice');
      const copy = copyOf(t, c);
      assert.equal(await signedIn(copy), true, 'the copy works while the session lasts');
      const token = await copy.csrf('/app');
      const out = await c.post('/logout', {}, { csrfFrom: '/app' });
      assert.equal(out.statusCode, 303);
      assert.equal(await signedIn(c), false);
      const stale = copyOf(t, copy);
      assert.equal(await signedIn(copy), false, 'the copy is refused');
      assert.match((await copy.get('/login')).body, /Your session has ended/);
      const form = await stale.post('/app/elections/none/vote', { _csrf: token });
      assert.equal(form.statusCode, 401, 'a form posted with the copy is refused');
      await c.signIn('alice');
      assert.equal(await signedIn(c), true, 'signing in again works');
    });

    test('"Sign out everywhere" is on the dashboard, needs the CSRF token, and ends every browser\'s session', async () => {
      t.setNow(T0);
      const laptop = t.client();
      const phone = t.client();
      await laptop.signIn('bob');
      await phone.signIn('bob');
      const stranger = t.client();
      await stranger.signIn('carol');
      const dashboard = await laptop.get('/app');
      assert.match(
        dashboard.body,
        /<form method="post" action="\/logout\/everywhere"><input type="hidden" name="_csrf" value="[^"]+"\/><button type="submit" class="button">Sign out everywhere<\/button>/,
      );
      const forged = await laptop.post('/logout/everywhere', {});
      assert.equal(forged.statusCode, 403, 'without the token nothing happens');
      assert.equal(await signedIn(phone), true);
      const res = await laptop.post('/logout/everywhere', {}, { csrfFrom: '/app' });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/login');
      assert.match((await laptop.get('/login')).body, /signed out in every browser/);
      assert.equal(await signedIn(laptop), false);
      assert.equal(await signedIn(phone), false, 'the other browser is signed out too');
      assert.equal(await signedIn(stranger), true, 'other users are not');
    });

    test('a session ends 12 hours after sign-in, however active', async () => {
      t.setNow(T0);
      const c = t.client();
      await c.signIn('dave');
      for (let hour = 1; hour < 12; hour++) {
        t.setNow(new Date(T0.getTime() + hour * 3_600_000));
        // GET /logout writes a message into the session: the cookie is written again.
        const touched = await c.get('/logout');
        assert.ok(String(touched.headers['set-cookie']).includes('scrutin_session='), `hour ${hour}: the cookie is rewritten`);
        assert.equal(await signedIn(c), true, `hour ${hour}`);
      }
      t.setNow(new Date(T0.getTime() + SESSION_SECONDS * 1000 - 1000));
      assert.equal(await signedIn(c), true, 'a second before the end');
      t.setNow(new Date(T0.getTime() + SESSION_SECONDS * 1000));
      assert.equal(await signedIn(c), false, 'twelve hours after sign-in');
      assert.match((await c.get('/login')).body, /sessions last 12 hours from signing in/);
    });

    test('a session of the format before sign-in time and generation were kept is refused', async () => {
      t.setNow(T0);
      const user = await t.service.ctx.store.users.recordSignIn({ login: 'erin', name: null, githubId: null, now: T0 });
      const app = t.service.app;
      const old = app.encodeSecureSession(app.createSecureSession({ user: { id: user.id, login: 'erin', name: null } }));
      const c = t.client();
      c.cookies.set('scrutin_session', old);
      assert.equal(await signedIn(c), false);
    });

    test("the login on the page is the database's, not the one remembered at sign-in", async () => {
      t.setNow(T0);
      const c = t.client();
      await c.signIn('frank');
      const id = (await t.service.ctx.store.users.findByLogin('frank'))!.id;
      await t.service.ctx.store.db.updateTable('user').set({ username: 'frank-renamed' }).where('id', '=', id).execute();
      assert.match((await c.get('/app')).body, /Signed in as <strong>frank-renamed<\/strong>/);
    });
  });
}
