// The elections list a page at a time: a community with hundreds of elections gets
// pages of 50, the filter survives paging, and a page past the end is a 404.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { entryOf, makeElection, snapshotOf } from '../helpers/meta.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const day = 86_400_000;

function items(body: string): number {
  return body.split('class="election-item"').length - 1;
}

describe('the elections list is paginated', () => {
  let t: TestApp;
  before(async () => {
    // 120 closed elections and 7 running ones.
    const closed = Array.from({ length: 120 }, (_, i) =>
      makeElection({
        key: `old---${String(i).padStart(3, '0')}`,
        startDatetime: new Date(NOW.getTime() - (200 + i) * day),
        endDatetime: new Date(NOW.getTime() - (190 + i) * day),
      }),
    );
    const running = Array.from({ length: 7 }, (_, i) =>
      makeElection({
        key: `now---${i}`,
        startDatetime: new Date(NOW.getTime() - day),
        endDatetime: new Date(NOW.getTime() + (i + 1) * day),
      }),
    );
    t = await startTestApp({ now: NOW, snapshot: snapshotOf([...closed, ...running].map(entryOf)) });
  });
  after(async () => {
    await t.close();
  });

  for (const base of ['/app/elections', '/elections']) {
    test(`${base}: 50 per page, running first, links to the next and previous pages`, async () => {
      const c = t.client();
      await c.signIn('alice');
      const first = await c.get(base);
      assert.equal(first.statusCode, 200);
      assert.equal(items(first.body), 50);
      assert.match(first.body, /Page 1 of 3 \(127 elections\)/);
      assert.ok(first.body.indexOf('now---0') < first.body.indexOf('old---000'), 'running elections come first');
      assert.match(first.body, new RegExp(`href="${base}\\?page=2" rel="next"`));
      const last = await c.get(`${base}?page=3`);
      assert.equal(items(last.body), 27);
      assert.match(last.body, new RegExp(`href="${base}\\?page=2" rel="prev"`));
      assert.doesNotMatch(last.body, /rel="next"/);
    });

    test(`${base}: the status filter is kept across pages; past the end is 404, nonsense is 400`, async () => {
      const c = t.client();
      await c.signIn('alice');
      const closed = await c.get(`${base}?status=completed&page=2`);
      assert.equal(items(closed.body), 50);
      assert.match(closed.body, new RegExp(`href="${base}\\?status=completed&amp;page=3" rel="next"`));
      const running = await c.get(`${base}?status=running`);
      assert.equal(items(running.body), 7);
      assert.doesNotMatch(running.body, /Page 1 of/, 'one page needs no pager');
      assert.equal((await c.get(`${base}?page=4`)).statusCode, 404);
      assert.equal((await c.get(`${base}?page=0`)).statusCode, 400);
      assert.equal((await c.get(`${base}?page=abc`)).statusCode, 400);
    });
  }
});

describe('the dashboard shows the first lines of each section and links to the rest', () => {
  let t: TestApp;
  before(async () => {
    // alice is on 25 running elections and 2 upcoming ones; 12 running ones list only zed;
    // olivia runs 23 of them.
    const mine = Array.from({ length: 25 }, (_, i) =>
      makeElection({
        key: `mine---${String(i).padStart(2, '0')}`,
        startDatetime: new Date(NOW.getTime() - day),
        endDatetime: new Date(NOW.getTime() + (i + 1) * day),
        voters: ['alice'],
        officers: i < 23 ? ['olivia'] : ['owen'],
      }),
    );
    const soon = Array.from({ length: 2 }, (_, i) =>
      makeElection({
        key: `soon---${i}`,
        startDatetime: new Date(NOW.getTime() + (i + 1) * day),
        endDatetime: new Date(NOW.getTime() + 40 * day),
        voters: ['Alice'],
        officers: ['owen'],
      }),
    );
    const theirs = Array.from({ length: 12 }, (_, i) =>
      makeElection({
        key: `theirs---${String(i).padStart(2, '0')}`,
        startDatetime: new Date(NOW.getTime() - day),
        endDatetime: new Date(NOW.getTime() + (30 + i) * day),
        voters: ['zed'],
        officers: ['owen'],
      }),
    );
    t = await startTestApp({ now: NOW, snapshot: snapshotOf([...mine, ...soon, ...theirs].map(entryOf)) });
  });
  after(async () => {
    await t.close();
  });

  const section = (body: string, id: string) =>
    new RegExp(`<section[^>]*aria-labelledby="${id}"[^>]*>([\\s\\S]*?)</section>`).exec(body)?.[1] ?? '';

  test('20 lines of mine, 10 of the others, each with a link to the whole paginated list', async () => {
    const c = t.client();
    await c.signIn('ALICE');
    const res = await c.get('/app');
    assert.equal(res.statusCode, 200);
    assert.equal(items(section(res.body, 'open')), 20);
    assert.match(section(res.body, 'open'), /href="\/app\/elections\?status=running&amp;role=voter">\s*See all 25 open elections for you/);
    assert.match(res.body, /You have 25 elections to vote in/, 'the count is of all of them, not of those shown');
    assert.equal(items(section(res.body, 'upcoming')), 2);
    assert.doesNotMatch(section(res.body, 'upcoming'), /See all/, 'everything is shown: no link');
    assert.equal(items(section(res.body, 'others')), 10);
    assert.match(section(res.body, 'others'), /href="\/app\/elections\?status=running">\s*See all 12 open elections/);
    assert.match(section(res.body, 'others'), /theirs---00/);

    const olivia = t.client();
    await olivia.signIn('olivia');
    const dash = await olivia.get('/app');
    assert.equal(section(dash.body, 'officer').split('<li>').length - 1, 20);
    assert.match(section(dash.body, 'officer'), /href="\/app\/elections\?role=officer">\s*See all 23 elections you run/);
  });

  test('the role lists hold only my elections, keep their filters across pages, and refuse an unknown role', async () => {
    const c = t.client();
    await c.signIn('alice');
    const mine = await c.get('/app/elections?status=running&role=voter');
    assert.equal(mine.statusCode, 200);
    assert.equal(items(mine.body), 25);
    assert.doesNotMatch(mine.body, /theirs---/);
    assert.match(mine.body, /<h1>Your elections<\/h1>/);
    assert.match(mine.body, /href="\/app\/elections\?status=upcoming&amp;role=voter"/, 'the status filters keep the role');
    assert.match(mine.body, /href="\/app\/elections\?status=running">See every election/);
    const all = await c.get('/app/elections?role=voter');
    assert.equal(items(all.body), 27);

    const olivia = t.client();
    await olivia.signIn('olivia');
    const run = await olivia.get('/app/elections?role=officer');
    assert.match(run.body, /<h1>Elections you run<\/h1>/);
    assert.equal(items(run.body), 23);
    assert.equal(items((await olivia.get('/app/elections?role=voter')).body), 0, 'olivia is on no voter list');
    assert.equal((await c.get('/app/elections?role=admin')).statusCode, 400);
    assert.equal((await c.get('/app/elections?role=voter&page=2')).statusCode, 404);
  });
});
