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
