// The ballot routes over the real ballot service (cheap key derivation): the form,
// casting, errors re-shown with ranks kept, abstentions confirmed, the passphrase to
// view and revoke, and the statuses a browser sees.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestClient } from '../helpers/app.js';
import { CHEAP_KDF, tableCounts } from '../helpers/ballotHarness.js';
import { NO_OPINION_RANK } from '../../src/core/ballot/rank.js';
import { entryOf, makeCandidate, makeElection, snapshotOf } from '../helpers/meta.js';

const START = new Date('2026-05-01T00:00:00Z');
const END = new Date('2026-05-15T00:00:00Z');
const NOW = new Date('2026-05-05T10:00:00Z');

const election = makeElection({
  key: 'tsc',
  name: 'TSC',
  startDatetime: START,
  endDatetime: END,
  exceptionDue: new Date('2026-05-08T00:00:00Z'),
  voters: ['Alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'gina', 'hugo', 'ivy'],
  candidates: [makeCandidate('ann', 'Ann'), makeCandidate('ben', 'Ben'), makeCandidate('cat', 'Cat')],
});
const strict = makeElection({
  key: 'strict',
  name: 'Strict',
  startDatetime: START,
  endDatetime: END,
  allowNoOpinion: false,
  voters: ['alice'],
});

const VOTE = '/app/elections/tsc/vote';

describe('vote routes', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({
      now: NOW,
      snapshot: snapshotOf([entryOf(election), entryOf(strict)]),
      ballots: { newParams: CHEAP_KDF, attempts: { max: 3, windowMinutes: 15 } },
    });
  });

  /** The stored ballots of `key`, as ranks in candidate order, by ballot identifier. */
  async function storedBallots(key: string): Promise<Map<string, number[]>> {
    const rows = await t.service.ctx.store.db
      .selectFrom('ballot')
      .innerJoin('election', 'election.id', 'ballot.election_id')
      .select(['ballot.voter', 'ballot.candidate', 'ballot.rank'])
      .where('election.key', '=', key)
      .orderBy('ballot.candidate')
      .execute();
    const out = new Map<string, number[]>();
    for (const r of rows) out.set(r.voter, [...(out.get(r.voter) ?? []), r.rank ?? NaN]);
    return out;
  }
  after(async () => {
    await t.close();
  });
  beforeEach(() => {
    t.setNow(NOW);
  });

  async function voter(login: string): Promise<TestClient> {
    const c = t.client();
    await c.signIn(login);
    return c;
  }

  const selected = (body: string, id: string) =>
    new RegExp(`<select id="rank-${id}"[^>]*>[\\s\\S]*?<option value="([^"]*)" selected=""`).exec(body)?.[1];

  test('the ballot form: one select per candidate, nothing ranked in advance, the passphrase with its minimum', async () => {
    const c = await voter('alice');
    const res = await c.get(VOTE);
    assert.equal(res.statusCode, 200);
    for (const id of ['ann', 'ben', 'cat']) {
      assert.match(res.body, new RegExp(`<select id="rank-${id}" name="candidate@${id}"`));
      assert.equal(selected(res.body, id), '', `${id}: no rank preselected`);
    }
    assert.equal((res.body.match(/ selected=""/g) ?? []).length, 3, 'only the no-opinion choices are selected');
    assert.match(res.body, /<option value="3">3<\/option>/);
    assert.doesNotMatch(res.body, /<option value="4">/);
    assert.match(res.body, /name="password" minlength="6"/);
    assert.match(res.body, /Nobody can recover a forgotten passphrase/);
    assert.match(res.body, /aria-live="polite"/);
    assert.match(res.body, /name="_csrf"/);
  });

  test('a login that differs only in letter case from voters.yaml can vote', async () => {
    const c = await voter('ALICE');
    const res = await c.post(VOTE, { 'candidate@ann': '1', 'candidate@ben': '2', 'candidate@cat': '' }, { csrfFrom: VOTE });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/app/elections/tsc/confirmation');
    const confirmation = await c.get('/app/elections/tsc/confirmation');
    assert.equal(confirmation.statusCode, 200);
    assert.match(confirmation.body, /Your ballot has been cast/);
    assert.match(confirmation.body, /did not set a passphrase/);
    const again = await c.get(VOTE);
    assert.equal(again.statusCode, 303, 'a second ballot form is not offered');
    assert.equal(again.headers.location, '/app/elections/tsc');
    const page = await c.get('/app/elections/tsc');
    assert.match(page.body, /already voted/);
    assert.match(page.body, /You voted without a passphrase/);
  });

  test('an ineligible user gets the not-eligible page (403) with a working exception link while requests are open', async () => {
    const c = await voter('mallory');
    const res = await c.get(VOTE);
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /You are not on the voter list/);
    assert.match(res.body, /Signed in as <strong>mallory<\/strong>/);
    assert.match(res.body, /href="\/app\/elections\/tsc\/exception"/);
    assert.equal((await c.get('/app/elections/tsc/exception')).statusCode, 200, 'the link works');
    t.setNow(new Date('2026-05-08T00:00:00Z'));
    // Days after the sign-in: a session lasts 12 hours.
    await c.signIn('mallory');
    const late = await c.get(VOTE);
    assert.equal(late.statusCode, 403);
    assert.doesNotMatch(late.body, /href="\/app\/elections\/tsc\/exception"/);
    assert.match(late.body, /Exception requests closed/);
    const post = await c.post(VOTE, { 'candidate@ann': '1', 'candidate@ben': '2', 'candidate@cat': '3' }, { csrfFrom: '/app' });
    assert.equal(post.statusCode, 403, 'the service refuses an ineligible ballot too');
  });

  test('outside the window the ballot is refused, to the second', async () => {
    const c = await voter('bob');
    t.setNow(new Date(START.getTime() - 1000));
    await c.signIn('bob');
    assert.equal((await c.get(VOTE)).statusCode, 403);
    t.setNow(new Date(END.getTime()));
    await c.signIn('bob');
    assert.equal((await c.get(VOTE)).statusCode, 403);
    const token = await c.csrf('/app');
    const res = await c.post(VOTE, { _csrf: token, 'candidate@ann': '1', 'candidate@ben': '2', 'candidate@cat': '3' });
    assert.equal(res.statusCode, 403);
    assert.equal((await t.service.ctx.ballots.status((await t.service.ctx.store.users.findByLogin('bob'))!, 'tsc')).voted, false);
  });

  test('a ballot with a bad rank comes back with the error and every choice kept', async () => {
    const c = await voter('carol');
    const res = await c.post(
      VOTE,
      { 'candidate@ann': '2', 'candidate@ben': '7', 'candidate@cat': '1', password: 'short' },
      { csrfFrom: VOTE },
    );
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Your ballot was not cast yet/);
    assert.match(res.body, /role="alert"/);
    assert.match(res.body, /href="#rank-ben"/);
    assert.match(res.body, /href="#password"/);
    assert.match(res.body, /at least 6 characters/);
    assert.equal(selected(res.body, 'ann'), '2');
    assert.equal(selected(res.body, 'cat'), '1');
    assert.equal(selected(res.body, 'ben'), '', 'an impossible rank is not shown as chosen');
    assert.doesNotMatch(res.body, /value="short"/, 'the passphrase is never echoed back');
    assert.match(res.body, /aria-invalid="true"/);
  });

  test("Elekto's no-opinion value is accepted like the empty one", async () => {
    const c = await voter('dave');
    const before = await storedBallots('tsc');
    const res = await c.post(VOTE, { 'candidate@ann': '1', 'candidate@ben': '100000000', 'candidate@cat': '2' }, { csrfFrom: VOTE });
    assert.equal(res.statusCode, 303);
    // Nothing links a ballot to its voter: dave's is the one new ballot. Ben stored as no opinion.
    const added = [...(await storedBallots('tsc'))].filter(([id]) => !before.has(id)).map(([, ranks]) => ranks);
    assert.deepEqual(added, [[1, NO_OPINION_RANK, 2]]);
  });

  test('a ballot that prefers nobody is cast only after the voter confirms an abstention', async () => {
    const c = await voter('erin');
    const fields = { 'candidate@ann': '1', 'candidate@ben': '', 'candidate@cat': '' };
    const first = await c.post(VOTE, fields, { csrfFrom: VOTE });
    assert.equal(first.statusCode, 400);
    assert.match(first.body, /Please confirm your abstention/);
    assert.match(first.body, /<div id="abstention" class="notice">/, 'the confirmation is shown');
    assert.equal(selected(first.body, 'ann'), '1');
    const user = await t.service.ctx.store.users.findByLogin('erin');
    assert.equal((await t.service.ctx.ballots.status(user!, 'tsc')).voted, false);
    const second = await c.post(VOTE, { ...fields, confirm_abstention: 'yes' }, { csrfFrom: VOTE });
    assert.equal(second.statusCode, 303);
    const confirmation = await c.get(second.headers.location as string);
    assert.match(confirmation.body, /Your abstention has been recorded/);
  });

  test('an election that asks for every candidate: the selects are required', async () => {
    const c = await voter('alice');
    const res = await c.get('/app/elections/strict/vote');
    assert.match(res.body, /<select id="rank-ann" name="candidate@ann" required=""/);
    assert.match(res.body, /Choose a rank/);
    const post = await c.post(
      '/app/elections/strict/vote',
      { 'candidate@ann': '1', 'candidate@ben': '', 'candidate@cat': '2' },
      { csrfFrom: '/app/elections/strict/vote' },
    );
    assert.equal(post.statusCode, 400);
    assert.match(post.body, /rank every candidate/);
  });

  test('a ballot posted without the CSRF token is refused and not stored', async () => {
    const c = await voter('frank');
    await c.get(VOTE);
    const before = await tableCounts(t.service.ctx.store, 'tsc');
    const res = await c.post(VOTE, { 'candidate@ann': '1', 'candidate@ben': '2', 'candidate@cat': '3' });
    assert.equal(res.statusCode, 403);
    assert.deepEqual(await tableCounts(t.service.ctx.store, 'tsc'), before);
  });

  test('with a passphrase: view the ballot, wrong passphrases counted then locked, revoke and vote again', async () => {
    const c = await voter('gina');
    const cast = await c.post(
      VOTE,
      { 'candidate@ann': '2', 'candidate@ben': '1', 'candidate@cat': '2', password: 'correct horse' },
      { csrfFrom: VOTE },
    );
    assert.equal(cast.statusCode, 303);
    const page = await c.get('/app/elections/tsc');
    assert.match(page.body, /action="\/app\/elections\/tsc\/vote\/view"/);
    assert.match(page.body, /href="\/app\/elections\/tsc\/vote\/revoke"/);

    const view = await c.post('/app/elections/tsc/vote/view', { password: 'correct horse' }, { csrfFrom: '/app/elections/tsc' });
    assert.equal(view.statusCode, 200);
    assert.match(view.body, /Your ballot: 1\. Ben, 2\. Ann and Cat tied\./);
    assert.match(view.body, /<td>2 \(tie\)<\/td><td>Ann, Cat<\/td>/);
    assert.equal(view.headers['cache-control'], 'no-store');

    const empty = await c.post('/app/elections/tsc/vote/view', { password: '' }, { csrfFrom: '/app/elections/tsc' });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /Enter the passphrase/);

    const wrong = await c.post('/app/elections/tsc/vote/view', { password: 'wrong one' }, { csrfFrom: '/app/elections/tsc' });
    assert.equal(wrong.statusCode, 403);
    assert.match(wrong.body, /does not open your ballot\. Nothing was changed\. You have 2 of 3 attempts left/);
    assert.match(wrong.body, /id="open-password-error"/);
    await c.post('/app/elections/tsc/vote/view', { password: 'wrong two' }, { csrfFrom: '/app/elections/tsc' });
    await c.post('/app/elections/tsc/vote/edit', { password: 'wrong three' }, { csrfFrom: '/app/elections/tsc' });
    const locked = await c.post('/app/elections/tsc/vote/view', { password: 'correct horse' }, { csrfFrom: '/app/elections/tsc' });
    assert.equal(locked.statusCode, 429);
    assert.ok(Number(locked.headers['retry-after']) > 0);
    assert.match(locked.body, /Too many passphrase attempts: at most 3 are allowed in any 15 minutes .* Try again in \d+ minutes/);

    t.setNow(new Date(NOW.getTime() + 16 * 60_000));
    const revoke = await c.post('/app/elections/tsc/vote/edit', { password: 'correct horse' }, { csrfFrom: '/app/elections/tsc' });
    assert.equal(revoke.statusCode, 303);
    assert.equal(revoke.headers.location, VOTE);
    const form = await c.get(VOTE);
    assert.equal(form.statusCode, 200, 'the ballot form is offered again');
    assert.match(form.body, /Your ballot has been revoked/);
    const recast = await c.post(VOTE, { 'candidate@ann': '1', 'candidate@ben': '2', 'candidate@cat': '3' }, { csrfFrom: VOTE });
    assert.equal(recast.statusCode, 303);
  });

  test('revoking takes a confirmation step: a page that deletes nothing, then the POST', async () => {
    const c = await voter('ivy');
    const REVOKE = '/app/elections/tsc/vote/revoke';
    assert.equal((await c.get(REVOKE)).statusCode, 409, 'nothing to revoke before voting');
    await c.post(VOTE, { 'candidate@ann': '1', 'candidate@ben': '2', 'candidate@cat': '', password: 'ivy passphrase' }, { csrfFrom: VOTE });
    const election = await c.get('/app/elections/tsc');
    assert.match(
      election.body,
      /<a class="button danger-outline" href="\/app\/elections\/tsc\/vote\/revoke">Revoke it and vote again<\/a>/,
    );
    assert.doesNotMatch(election.body, /formaction="[^"]*\/vote\/edit"/, 'no button deletes the ballot in one click');
    const confirm = await c.get(REVOKE);
    assert.equal(confirm.statusCode, 200);
    assert.match(confirm.body, /<h1>Revoke your ballot\?<\/h1>/);
    assert.match(confirm.body, /<form method="post" action="\/app\/elections\/tsc\/vote\/edit"/);
    assert.match(confirm.body, /name="_csrf"/);
    const user = await t.service.ctx.store.users.findByLogin('ivy');
    assert.equal((await t.service.ctx.ballots.status(user!, 'tsc')).voted, true, 'seeing the page deleted nothing');
    const wrong = await c.post('/app/elections/tsc/vote/edit', { password: 'not ivy at all' }, { csrfFrom: REVOKE });
    assert.equal(wrong.statusCode, 403);
    assert.match(wrong.body, /<h1>Revoke your ballot\?<\/h1>/, 'the confirmation page comes back, not the election page');
    assert.match(wrong.body, /id="error-summary"[\s\S]*href="#revoke-password"[^>]*>[^<]*does not open your ballot/);
    assert.match(wrong.body, /id="revoke-password"[^>]*aria-invalid="true"/);
    const empty = await c.post('/app/elections/tsc/vote/edit', { password: '' }, { csrfFrom: REVOKE });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /<h1>Revoke your ballot\?<\/h1>[\s\S]*Enter the passphrase you chose/);
    assert.equal((await t.service.ctx.ballots.status(user!, 'tsc')).voted, true, 'a wrong passphrase deletes nothing');
    const revoke = await c.post('/app/elections/tsc/vote/edit', { password: 'ivy passphrase' }, { csrfFrom: REVOKE });
    assert.equal(revoke.statusCode, 303);
    assert.equal((await t.service.ctx.ballots.status(user!, 'tsc')).voted, false);

    await c.post(VOTE, { 'candidate@ann': '1', 'candidate@ben': '2', 'candidate@cat': '' }, { csrfFrom: VOTE });
    const noPassphrase = await c.get(REVOKE);
    assert.equal(noPassphrase.statusCode, 303, 'a ballot without a passphrase cannot be revoked: back to the election page');
    t.setNow(END);
    await c.signIn('ivy');
    assert.equal((await c.get(REVOKE)).statusCode, 403, 'not after the close');
  });

  test('after the close a ballot can be viewed but not revoked', async () => {
    const c = await voter('hugo');
    await c.post(VOTE, { 'candidate@ann': '1', 'candidate@ben': '2', 'candidate@cat': '3', password: 'hugo-secret' }, { csrfFrom: VOTE });
    t.setNow(END);
    await c.signIn('hugo');
    const page = await c.get('/app/elections/tsc');
    assert.doesNotMatch(page.body, /Revoke it and vote again/);
    const view = await c.post('/app/elections/tsc/vote/view', { password: 'hugo-secret' }, { csrfFrom: '/app/elections/tsc' });
    assert.equal(view.statusCode, 200);
    assert.doesNotMatch(view.body, /Revoke it and vote again/);
    const revoke = await c.post('/app/elections/tsc/vote/edit', { password: 'hugo-secret' }, { csrfFrom: '/app/elections/tsc' });
    assert.equal(revoke.statusCode, 403);
  });

  test('viewing a ballot nobody cast is a clear 409, not a crash', async () => {
    const c = await voter('bob');
    const res = await c.post('/app/elections/tsc/vote/view', { password: 'anything' }, { csrfFrom: '/app/elections/tsc' });
    assert.equal(res.statusCode, 409);
    assert.match(res.body, /have not voted/);
  });
});
