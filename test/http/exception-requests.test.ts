// Exception requests (SPEC §5): the form, server-side validation, one request per
// user and election even under a race, only before exception_due and only for users
// not already eligible, and a page showing the request's status.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Store } from '../../src/storage/store.js';
import { startTestApp, type TestApp, type TestClient } from '../helpers/app.js';
import { dialects, freshStore } from '../helpers/db.js';
import { entryOf, makeElection, snapshotOf } from '../helpers/meta.js';

const DUE = new Date('2026-06-05T12:00:00Z');
const NOW = new Date('2026-06-03T12:00:00Z');
const election = makeElection({
  key: 'gb',
  name: 'GB',
  startDatetime: new Date('2026-06-01T00:00:00Z'),
  endDatetime: new Date('2026-06-20T00:00:00Z'),
  exceptionDue: DUE,
  voters: ['alice'],
  exceptionDescriptionHtml: '<p>Tell us what you did for the <strong>project</strong>.</p>',
});
const PAGE = '/app/elections/gb/exception';
const valid = { name: 'Mallory Q', email: 'mallory@example.org', chat: '@mq', description: 'I ran the 2025 meetup.', comments: '' };

describe('exception requests', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ now: NOW, snapshot: snapshotOf([entryOf(election)]) });
  });
  after(async () => {
    await t.close();
  });
  beforeEach(() => {
    t.setNow(NOW);
  });

  async function user(login: string): Promise<TestClient> {
    const c = t.client();
    await c.signIn(login);
    return c;
  }

  async function countRequests(): Promise<number> {
    const r = await sql<{ n: number }>`select count(*) as n from request`.execute(t.service.ctx.store.db);
    return Number(r.rows[0]?.n);
  }

  test("the form shows the officers' description, the deadline and labelled fields", async () => {
    const c = await user('mallory');
    const res = await c.get(PAGE);
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Tell us what you did for the <strong>project<\/strong>/);
    assert.match(res.body, /<time datetime="2026-06-05T12:00:00.000Z"/);
    for (const f of ['name', 'email', 'chat', 'description', 'comments']) assert.match(res.body, new RegExp(`<label for="${f}">`));
    assert.match(res.body, /maxlength="5000"/);
  });

  test('one request, then its status page; a second one is refused', async () => {
    const c = await user('mallory');
    const before = await countRequests();
    const res = await c.post(PAGE, valid, { csrfFrom: PAGE });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, PAGE);
    const status = await c.get(PAGE);
    assert.equal(status.statusCode, 200);
    assert.match(status.body, /Your exception request/);
    assert.match(status.body, /Waiting for the officers/);
    assert.match(status.body, /I ran the 2025 meetup\./);
    assert.match(status.body, /has been sent to the election officers/);
    const again = await c.post(PAGE, { ...valid, description: 'second try' }, { csrfFrom: '/app' });
    assert.equal(again.statusCode, 409);
    assert.equal(await countRequests(), before + 1);
    const stored = await t.service.ctx.store.requests.findByUserAndElectionKey(
      (await t.service.ctx.store.users.findByLogin('mallory'))!.id,
      'gb',
    );
    assert.ok(stored !== null);
    assert.equal(stored.email, 'mallory@example.org');
    assert.equal(stored.reviewed, false);
    assert.equal(stored.decision, null);
  });

  test('two simultaneous submissions store exactly one request', async () => {
    const c = await user('racer');
    const token = await c.csrf(PAGE);
    const results = await Promise.all([
      c.post(PAGE, { ...valid, _csrf: token }),
      c.post(PAGE, { ...valid, _csrf: token }),
      c.post(PAGE, { ...valid, _csrf: token }),
    ]);
    const codes = results.map((r) => r.statusCode).sort();
    assert.equal(codes.filter((s) => s === 303).length, 1, `codes: ${codes.join(',')}`);
    assert.ok(codes.filter((s) => s !== 303).every((s) => s === 409));
    const id = (await t.service.ctx.store.users.findByLogin('racer'))!.id;
    const rows = await sql<{ n: number }>`select count(*) as n from request where user_id = ${id}`.execute(t.service.ctx.store.db);
    assert.equal(Number(rows.rows[0]?.n), 1);
  });

  test('bad input comes back with a message next to each field and the text kept', async () => {
    const c = await user('typo');
    const before = await countRequests();
    const res = await c.post(
      PAGE,
      { name: '  ', email: 'not-an-email', chat: '', description: '', comments: 'x'.repeat(5001) },
      { csrfFrom: PAGE },
    );
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Please correct the form/);
    assert.match(res.body, /id="name-error"[^>]*>Enter your name\./);
    assert.match(res.body, /id="email-error"[^>]*>Enter an email address like/);
    assert.match(res.body, /id="description-error"[^>]*>Describe your contributions/);
    assert.match(res.body, /id="comments-error"[^>]*>Comments can be at most 5000 characters/);
    assert.match(res.body, /value="not-an-email"/);
    assert.match(res.body, /href="#email"/);
    assert.equal(await countRequests(), before);
  });

  test('an eligible voter needs no exception (409), whatever the letter case', async () => {
    const c = await user('ALICE');
    assert.equal((await c.get(PAGE)).statusCode, 409);
    assert.equal((await c.post(PAGE, valid, { csrfFrom: '/app' })).statusCode, 409);
  });

  test('requests close at exception_due, to the second', async () => {
    const c = await user('latecomer');
    t.setNow(new Date(DUE.getTime() - 1000));
    // Days after the sign-in: a session lasts 12 hours.
    await c.signIn('latecomer');
    assert.equal((await c.get(PAGE)).statusCode, 200);
    t.setNow(DUE);
    const closed = await c.get(PAGE);
    assert.equal(closed.statusCode, 403);
    assert.match(
      closed.body,
      /Exception requests closed on <time datetime="2026-06-05T12:00:00.000Z" data-local="">Fri 5 June 2026, 12:00 UTC<\/time>/,
    );
    const before = await countRequests();
    assert.equal((await c.post(PAGE, valid, { csrfFrom: '/app' })).statusCode, 403);
    assert.equal(await countRequests(), before);
  });

  test("the status page shows the officers' decision and note", async () => {
    const c = await user('decided');
    await c.post(PAGE, valid, { csrfFrom: PAGE });
    const id = (await t.service.ctx.store.users.findByLogin('decided'))!.id;
    await t.service.ctx.store.db
      .updateTable('request')
      .set({ decision: 'approved', decision_note: 'Welcome aboard <b>!</b>', decided_by: 'olivia' })
      .where('user_id', '=', id)
      .execute();
    const res = await c.get(PAGE);
    assert.match(res.body, /Approved/);
    assert.match(res.body, /Welcome aboard &lt;b&gt;!&lt;\/b&gt;/);
    t.setNow(DUE);
    await c.signIn('decided');
    assert.equal((await c.get(PAGE)).statusCode, 200, 'my request stays visible after the deadline');
  });

  test('the dashboard and the election page say where my request stands: pending, approved, denied with the note', async () => {
    const c = await user('requester');
    const dashboardBefore = (await c.get('/app')).body;
    assert.doesNotMatch(dashboardBefore, /Your exception requests/, 'no section before any request');
    await c.post(PAGE, valid, { csrfFrom: PAGE });
    const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');
    const both = async () => [text((await c.get('/app')).body), text((await c.get('/app/elections/gb')).body)];
    for (const page of await both()) {
      assert.match(page, /Pending Your exception request is waiting for the election officers to decide\./);
    }
    const id = (await t.service.ctx.store.users.findByLogin('requester'))!.id;
    const decide = (decision: 'approved' | 'denied', note: string) =>
      t.service.ctx.store.db
        .updateTable('request')
        .set({ decision, decision_note: note, decided_by: 'olivia' })
        .where('user_id', '=', id)
        .execute();
    await decide('approved', '');
    for (const page of await both()) {
      assert.match(
        page,
        /Approved The officers approved your exception request\. You will be able to vote once the voter list is updated\./,
      );
      assert.doesNotMatch(page, /Note from the officers/, 'no empty note');
    }
    await decide('denied', 'We found no contributions <i>this year</i>.');
    const [dashboard, election] = await both();
    for (const page of [dashboard, election]) {
      assert.match(page!, /Denied The officers did not approve your exception request\./);
      assert.match(page!, /Note from the officers:We found no contributions &lt;i&gt;this year&lt;\/i&gt;\./, 'the note, escaped');
    }
    assert.match((await c.get('/app')).body, /&lt;i&gt;this year/, 'escaped, never HTML');
  });

  test('the election page and the not-eligible page link to my request once sent', async () => {
    const c = await user('mallory');
    assert.match((await c.get('/app/elections/gb')).body, /See your request/);
    assert.match((await c.get('/app/elections/gb/vote')).body, /already sent an exception request/);
  });

  test("the request list of an election, oldest first, with logins (for the officers' pages)", async () => {
    const row = await t.service.ctx.store.elections.findByKey('gb');
    const list = await t.service.ctx.store.requests.listByElection(row!.id);
    assert.ok(list.length >= 2);
    assert.equal(list[0]?.login, 'mallory');
    assert.ok(list.every((r, i) => i === 0 || (r.createdAt?.getTime() ?? 0) >= (list[i - 1]?.createdAt?.getTime() ?? 0)));
  });
});

// The repository on every engine CI runs: the unique constraint is what makes
// "one request per user and election" true, so prove it where it lives.
for (const kind of dialects()) {
  describe(`RequestRepo on ${kind}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    before(async () => {
      ({ store, cleanup } = await freshStore(kind));
    });
    after(async () => {
      await cleanup();
    });

    test('create, find, a duplicate refused as "already requested", list oldest first', async () => {
      const now = new Date('2026-06-03T12:00:00Z');
      const u1 = await store.users.recordSignIn({ login: 'Req-One', name: null, githubId: null, now });
      const u2 = await store.users.recordSignIn({ login: 'req-two', name: null, githubId: null, now });
      const electionId = await store.elections.ensure('gb', 'GB', now);
      const input = {
        electionId,
        name: 'One',
        email: 'one@example.org',
        chat: '',
        description: 'Did things — ünïcödé ✓',
        comments: 'c',
        now,
      };
      const first = await store.requests.create({ ...input, userId: u1.id });
      assert.equal(first.ok, true);
      const dup = await store.requests.create({ ...input, userId: u1.id, description: 'again' });
      assert.ok(!dup.ok);
      assert.equal(dup.existing?.description, 'Did things — ünïcödé ✓');
      await store.requests.create({ ...input, userId: u2.id, now: new Date(now.getTime() + 1000) });
      const found = await store.requests.findByUserAndElectionKey(u1.id, 'gb');
      assert.ok(found !== null);
      assert.equal(found.login, 'Req-One');
      assert.equal(found.reviewed, false);
      assert.equal(found.createdAt?.toISOString(), now.toISOString());
      assert.equal(await store.requests.findByUserAndElectionKey(u1.id, 'other'), null);
      const list = await store.requests.listByElection(electionId);
      assert.deepEqual(
        list.map((r) => r.login),
        ['Req-One', 'req-two'],
      );
    });
  });
}
