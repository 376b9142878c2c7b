// The real ballot service behind the real vote routes (through Fastify's inject), as a
// voter uses them: cast with a passphrase, cast again, view, a wrong passphrase, revoke,
// vote again; the tables checked at each step, and the votes counter in /metrics' registry.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { tableCounts } from '../helpers/ballotHarness.js';
import { entryOf, makeCandidate, makeElection, snapshotOf } from '../helpers/meta.js';

const election = makeElection({
  key: 'tsc',
  startDatetime: new Date('2026-05-01T00:00:00Z'),
  endDatetime: new Date('2026-05-15T00:00:00Z'),
  voters: ['alice', 'bob'],
  candidates: [makeCandidate('ann', 'Ann Example'), makeCandidate('ben', 'Ben Example'), makeCandidate('cat', 'Cat Example')],
});
const VOTE = '/app/elections/tsc/vote';

describe('the vote routes with the real ballot service', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ now: new Date('2026-05-05T10:00:00Z'), snapshot: snapshotOf([entryOf(election)]) });
  });
  after(async () => {
    await t.close();
  });

  const votesCounted = async () => {
    const text = await t.service.ctx.metrics.render();
    return Number(/scrutin_votes_cast_total\{election="tsc"\} (\d+)/.exec(text)?.[1] ?? 0);
  };

  test('cast, cast again, view, wrong passphrase, revoke, vote again', async () => {
    const c = t.client();
    await c.signIn('alice');
    const ballot = { 'candidate@ann': '2', 'candidate@ben': '1', 'candidate@cat': '', password: 'alice long passphrase' };
    const cast = await c.post(VOTE, ballot, { csrfFrom: VOTE });
    assert.equal(cast.statusCode, 303, cast.body.slice(0, 500));
    assert.deepEqual(await tableCounts(t.service.ctx.store, 'tsc'), { voters: 1, ballotRows: 3, ballots: 1 });
    assert.equal(await votesCounted(), 1);

    const again = await c.post(VOTE, ballot, { csrfFrom: '/app/elections/tsc' });
    // A second cast (a double click, a reload) lands on the confirmation; nothing more is cast.
    assert.equal(again.statusCode, 303, again.body.slice(0, 500));
    assert.equal(again.headers.location, '/app/elections/tsc/confirmation');
    assert.deepEqual(await tableCounts(t.service.ctx.store, 'tsc'), { voters: 1, ballotRows: 3, ballots: 1 });
    assert.equal(await votesCounted(), 1);

    const view = await c.post(`${VOTE}/view`, { password: 'alice long passphrase' }, { csrfFrom: '/app/elections/tsc' });
    assert.equal(view.statusCode, 200, view.body.slice(0, 500));
    for (const name of ['Ann Example', 'Ben Example', 'Cat Example']) assert.match(view.body, new RegExp(name));

    const wrong = await c.post(`${VOTE}/view`, { password: 'not my passphrase' }, { csrfFrom: '/app/elections/tsc' });
    assert.equal(wrong.statusCode, 403);
    assert.match(wrong.body, /4 of 5 attempts left/);

    const revoke = await c.post(`${VOTE}/edit`, { password: 'alice long passphrase' }, { csrfFrom: '/app/elections/tsc' });
    assert.equal(revoke.statusCode, 303, revoke.body.slice(0, 500));
    assert.deepEqual(await tableCounts(t.service.ctx.store, 'tsc'), { voters: 0, ballotRows: 0, ballots: 0 });

    const recast = await c.post(
      VOTE,
      { 'candidate@ann': '1', 'candidate@ben': '2', 'candidate@cat': '3', password: '' },
      { csrfFrom: VOTE },
    );
    assert.equal(recast.statusCode, 303);
    assert.equal(await votesCounted(), 2);
    const row = await t.service.ctx.store.db.selectFrom('voter').select(['salt', 'ballot_id', 'kdf']).executeTakeFirstOrThrow();
    assert.deepEqual(row, { salt: null, ballot_id: null, kdf: null });
  });
});
