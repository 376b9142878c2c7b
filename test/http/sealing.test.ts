// The ballot flow under a long derivation queue (issue 15): a vote request that would
// wait on the queue is answered with "sealing your ballot" (303 to a page that reloads
// itself without JavaScript), the cast goes on, a second submit joins it, and the page
// ends on the confirmation with the ranking recorded: one voter row, one ballot. Also the
// no-JavaScript review step: "Review" shows the ranking, "Cast" casts it, "Change"
// brings the form back, and nothing is cast before "Cast".
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { argon2DeriveKey } from '../../src/crypto/kdf.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { CHEAP_KDF, tableCounts } from '../helpers/ballotHarness.js';
import { entryOf, makeCandidate, makeElection, snapshotOf } from '../helpers/meta.js';

const NOW = new Date('2026-05-05T10:00:00Z');
const election = makeElection({
  key: 'board',
  startDatetime: new Date('2026-05-01T00:00:00Z'),
  endDatetime: new Date('2026-05-15T00:00:00Z'),
  voters: ['alice', 'bob', 'carol'],
  candidates: [makeCandidate('ann', 'Ann Example'), makeCandidate('ben', 'Ben Example'), makeCandidate('cat', 'Cat Example')],
});
const VOTE = '/app/elections/board/vote';
const ballot = { 'candidate@ann': '2', 'candidate@ben': '1', 'candidate@cat': '' };

describe('sealing a ballot behind a long derivation queue', () => {
  let t: TestApp;
  let held: Promise<void> | null = null;
  let release: () => void = () => undefined;
  before(async () => {
    t = await startTestApp({
      now: NOW,
      snapshot: snapshotOf([entryOf(election)]),
      // One derivation at a time, no explicit queue limit, and a vote request waits 1 s at most.
      env: { KDF_CONCURRENCY: '1', CAST_WAIT_TIMEOUT: '1' },
      derive: async (passphrase, salt, params) => {
        if (held !== null) await held;
        return argon2DeriveKey(passphrase, salt, params);
      },
    });
  });
  after(async () => {
    release();
    await t.close();
  });

  test('the vote is acknowledged with the sealing page, a second submit joins it, and the page ends on the confirmation', async () => {
    held = new Promise((resolve) => {
      release = resolve;
    });
    // Another derivation holds the one slot.
    void t.service.ctx.kdfPool.deriveKey(new Uint8Array(8), new Uint8Array(16), CHEAP_KDF);
    const c = t.client();
    await c.signIn('alice');
    const csrf = await c.csrf(VOTE);
    const form = { ...ballot, password: 'alice long passphrase', _csrf: csrf };
    const first = await c.post(VOTE, form);
    assert.equal(first.statusCode, 303, first.body.slice(0, 300));
    assert.equal(first.headers.location, '/app/elections/board/sealing');
    const sealing = await c.get('/app/elections/board/sealing');
    assert.equal(sealing.statusCode, 200);
    assert.match(sealing.body, /Sealing your ballot/);
    assert.match(sealing.body, /<meta http-equiv="refresh" content="3"/);
    // A double click, or the browser sending the form again: the same cast, not a second one.
    const second = await c.post(VOTE, form);
    assert.equal(second.statusCode, 303);
    assert.equal(second.headers.location, '/app/elections/board/sealing');
    assert.deepEqual(await tableCounts(t.service.ctx.store, 'board'), { voters: 0, ballotRows: 0, ballots: 0 });

    held = null;
    release();
    let next = await c.get('/app/elections/board/sealing');
    for (let i = 0; i < 200 && next.statusCode === 200; i++) {
      await new Promise((r) => setTimeout(r, 25));
      next = await c.get('/app/elections/board/sealing');
    }
    assert.equal(next.statusCode, 303);
    assert.equal(next.headers.location, '/app/elections/board/confirmation');
    const confirmation = await c.get('/app/elections/board/confirmation');
    assert.match(confirmation.body, /Your ballot has been cast/);
    assert.match(confirmation.body, /<td>1<\/td>\s*<td>Ben Example<\/td>/);
    assert.deepEqual(await tableCounts(t.service.ctx.store, 'board'), { voters: 1, ballotRows: 3, ballots: 1 });
    // The voter sends the form once more (a reload of the POST): the confirmation, still one ballot.
    const third = await c.post(VOTE, { ...form, _csrf: await c.csrf('/app/elections/board') });
    assert.equal(third.statusCode, 303);
    assert.equal(third.headers.location, '/app/elections/board/confirmation');
    assert.deepEqual(await tableCounts(t.service.ctx.store, 'board'), { voters: 1, ballotRows: 3, ballots: 1 });
  });

  test('the sealing page of a voter with nothing pending goes back to the election', async () => {
    const c = t.client();
    await c.signIn('carol');
    const res = await c.get('/app/elections/board/sealing');
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/app/elections/board');
  });

  test('without JavaScript: review shows the ranking and casts nothing; change brings the form back; cast casts it', async () => {
    const c = t.client();
    await c.signIn('bob');
    const review = await c.post(VOTE, { ...ballot, password: 'bob long passphrase', step: 'review' }, { csrfFrom: VOTE });
    assert.equal(review.statusCode, 200);
    assert.match(review.body, /Review your ballot/);
    assert.match(review.body, /Your ballot: 1\. Ben Example, 2\. Ann Example, no opinion on Cat Example\./);
    assert.match(review.body, /name="step" value="change"/);
    assert.deepEqual(await tableCounts(t.service.ctx.store, 'board'), { voters: 1, ballotRows: 3, ballots: 1 }, 'nothing cast by review');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(review.body)?.[1] ?? '';
    const hidden: Record<string, string> = {};
    for (const m of review.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) hidden[m[1] ?? ''] = m[2] ?? '';
    assert.equal(hidden['candidate@ben'], '1');
    const change = await c.post(VOTE, { ...hidden, _csrf: csrf, step: 'change' });
    assert.equal(change.statusCode, 200);
    assert.match(change.body, /<select id="rank-ben"[^>]*>[\s\S]*?<option value="1" selected=""/);
    const cast = await c.post(VOTE, { ...hidden, _csrf: csrf });
    assert.equal(cast.statusCode, 303);
    assert.equal(cast.headers.location, '/app/elections/board/confirmation');
    assert.deepEqual(await tableCounts(t.service.ctx.store, 'board'), { voters: 2, ballotRows: 6, ballots: 2 });
  });

  test('a review of an invalid ballot comes back with the problem, before anything is cast', async () => {
    const c = t.client();
    await c.signIn('carol');
    const res = await c.post(VOTE, { 'candidate@ann': '9', 'candidate@ben': '1', 'candidate@cat': '', step: 'review' }, { csrfFrom: VOTE });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Your ballot was not cast yet/);
  });
});
