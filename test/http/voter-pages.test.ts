// The signed-in voter's pages and the public ones: right content, right status, the
// window in UTC with a machine-readable time for the local one, no voter list ever.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ElectionEntry } from '../../src/core/meta/types.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { rankInOrder } from '../helpers/ballotHarness.js';
import { entryOf, makeCandidate, makeElection, snapshotOf } from '../helpers/meta.js';

const NOW = new Date('2026-03-10T12:00:00Z');
const day = 86_400_000;

const running = makeElection({
  key: '2026---gb',
  name: 'Governing Board 2026',
  organization: 'Kubernetes',
  startDatetime: new Date(NOW.getTime() - 2 * day),
  endDatetime: new Date('2026-03-20T18:30:00Z'),
  exceptionDue: new Date(NOW.getTime() + 3 * day),
  voters: ['Alice', 'bob', 'secret-voter-login'],
  officers: ['olivia'],
  showCandidateFields: ['employer'],
  eligibilityHtml: '<p>Steering Committee members may vote.</p>',
  descriptionHtml: '<p>Pick our <em>representative</em>.</p>',
  candidates: [
    makeCandidate('aaron', 'Aaron Adams', {
      info: [
        { key: 'employer', value: 'ACME' },
        { key: 'email', value: 'hidden@example.org' },
      ],
      bioHtml: '<p>I maintain the scheduler.</p>',
    }),
    makeCandidate('dims', 'Davanum S', { info: [{ key: 'employer', value: 'Independent' }] }),
    makeCandidate('paris', 'Paris P'),
  ],
});
const upcoming = makeElection({
  key: 'later',
  name: 'Later Election',
  startDatetime: new Date(NOW.getTime() + 5 * day),
  endDatetime: new Date(NOW.getTime() + 9 * day),
  voters: ['alice'],
});
const closed = makeElection({
  key: 'old',
  name: 'Old Election',
  startDatetime: new Date(NOW.getTime() - 30 * day),
  endDatetime: new Date(NOW.getTime() - 20 * day),
  voters: ['alice'],
  resultsHtml: '<h2>Winner</h2><p>Aaron Adams</p>',
});
const closedNoResults = makeElection({
  key: 'old-nores',
  name: 'Old Without Results',
  startDatetime: new Date(NOW.getTime() - 30 * day),
  endDatetime: new Date(NOW.getTime() - 20 * day),
  voters: ['alice'],
});
const otherRunning = makeElection({
  key: 'other',
  name: "Someone Else's <Election>",
  startDatetime: new Date(NOW.getTime() - day),
  endDatetime: new Date(NOW.getTime() + day),
  voters: ['zed'],
});
const many = makeElection({
  key: 'many',
  name: 'Many Candidates',
  startDatetime: new Date(NOW.getTime() - day),
  endDatetime: new Date(NOW.getTime() + day),
  voters: ['alice', 'bob', 'carol', 'dave'],
  candidates: 'abcdefghij'.split('').map((c) => makeCandidate(`c${c}`, `Candidate ${c.toUpperCase()}`)),
});
const broken: ElectionEntry = {
  key: 'broken',
  dir: 'elections/broken',
  ok: false,
  name: 'Broken Election',
  officerSet: new Set(['olivia']),
  problems: [{ file: 'elections/broken/election.yaml', line: 3, message: 'end_datetime is not a date', severity: 'error' }],
};

describe('voter pages', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({
      now: NOW,
      snapshot: snapshotOf([
        entryOf(running),
        entryOf(upcoming),
        entryOf(closed),
        entryOf(closedNoResults),
        entryOf(otherRunning),
        entryOf(many),
        broken,
      ]),
    });
  });
  after(async () => {
    await t.close();
  });

  test('the dashboard sorts elections into what I can vote in, what is coming, and the rest', async () => {
    const c = t.client();
    await c.signIn('ALICE');
    const res = await c.get('/app');
    assert.equal(res.statusCode, 200);
    const section = (id: string) =>
      new RegExp(`<section[^>]*aria-labelledby="${id}"[^>]*>([\\s\\S]*?)</section>`).exec(res.body)?.[1] ?? '';
    assert.match(section('open'), /Governing Board 2026/);
    assert.match(section('open'), /Not voted yet/);
    assert.match(section('open'), /Many Candidates/);
    assert.match(section('upcoming'), /Later Election/);
    assert.match(section('others'), /Someone Else&#39;s &lt;Election&gt;|Someone Else's &lt;Election&gt;/, 'names are escaped');
    assert.doesNotMatch(res.body, /<Election>/);
    assert.equal(section('past'), '', 'no closed election voted in yet');
    assert.match(res.body, /You have 2 elections to vote in/);
  });

  test('after voting, the dashboard says so', async () => {
    const c = t.client();
    await c.signIn('bob');
    const user = await t.service.ctx.store.users.findByLogin('bob');
    const cast = await t.service.ctx.ballots.cast({
      user: user!,
      electionKey: '2026---gb',
      fields: rankInOrder(running),
      passphrase: '',
      confirmAbstention: false,
    });
    assert.equal(cast.ok, true);
    const res = await c.get('/app');
    assert.match(res.body, /Governing Board 2026[\s\S]*?You voted/);
  });

  test('the elections list filters by status and rejects an unknown one', async () => {
    const c = t.client();
    await c.signIn('alice');
    const all = await c.get('/app/elections');
    for (const name of ['Governing Board 2026', 'Later Election', 'Old Election', 'Broken Election'])
      assert.match(all.body, new RegExp(name));
    const runningOnly = await c.get('/app/elections?status=running');
    assert.match(runningOnly.body, /Governing Board 2026/);
    assert.doesNotMatch(runningOnly.body, /Later Election|Old Election/);
    assert.match(runningOnly.body, /href="\/app\/elections\?status=running" aria-current="page"/);
    const completed = await c.get('/app/elections?status=completed');
    assert.match(completed.body, /Old Election/);
    assert.doesNotMatch(completed.body, /Governing Board/);
    const bad = await c.get('/app/elections?status=everything');
    assert.equal(bad.statusCode, 400);
  });

  test('the election page: organisation, phase, window in UTC with datetime for local time, eligibility, description, candidates, my status, actions', async () => {
    const c = t.client();
    await c.signIn('alice');
    const res = await c.get('/app/elections/2026---gb');
    assert.equal(res.statusCode, 200);
    const b = res.body;
    assert.match(b, /Kubernetes/);
    assert.match(b, /<h1>Governing Board 2026<\/h1>/);
    assert.match(b, /Voting open/);
    assert.match(b, /<time datetime="2026-03-20T18:30:00.000Z" data-local="">Fri 20 March 2026, 18:30 UTC<\/time>/);
    assert.match(b, /Steering Committee members may vote/);
    assert.match(b, /Pick our <em>representative<\/em>/);
    for (const id of ['aaron', 'dims', 'paris']) assert.match(b, new RegExp(`href="/app/elections/2026---gb/candidates/${id}"`));
    assert.match(b, /have not voted yet/);
    assert.match(b, /href="\/app\/elections\/2026---gb\/vote"/);
    assert.doesNotMatch(b, /officer area/i, 'not an officer');
    assert.doesNotMatch(b, /secret-voter-login/, 'never the voter list');
    assert.match(b, /<script src="\/assets\/scrutin\.js\?v=[0-9a-f]+" defer/);
  });

  test('officers see the way to their area; an ineligible user sees the exception link while it is open', async () => {
    const officer = t.client();
    await officer.signIn('olivia');
    const page = await officer.get('/app/elections/2026---gb');
    assert.match(page.body, /href="\/app\/elections\/2026---gb\/admin\/"/);
    assert.match(page.body, /not on this election&#39;s voter list|not on this election's voter list/);
    assert.match(page.body, /href="\/app\/elections\/2026---gb\/exception"/);
  });

  test('unknown elections and candidates are 404 pages', async () => {
    const c = t.client();
    await c.signIn('alice');
    for (const path of [
      '/app/elections/nope',
      '/app/elections/..%2F..%2Fetc',
      '/app/elections/2026---gb/candidates/nobody',
      '/app/elections/nope/candidates/aaron',
      '/app/elections/nope/vote',
      '/elections/nope',
    ]) {
      const res = await c.get(path);
      assert.equal(res.statusCode, 404, path);
      assert.match(res.body, /Not found/);
    }
  });

  test('an election whose files do not parse is unavailable; its officers see why', async () => {
    const voter = t.client();
    await voter.signIn('alice');
    const res = await voter.get('/app/elections/broken');
    assert.equal(res.statusCode, 503);
    assert.match(res.body, /Broken Election is unavailable/);
    assert.doesNotMatch(res.body, /end_datetime is not a date/);
    const officer = t.client();
    await officer.signIn('olivia');
    const forOfficer = await officer.get('/app/elections/broken');
    assert.match(forOfficer.body, /elections\/broken\/election\.yaml:3/);
    assert.match(forOfficer.body, /end_datetime is not a date/);
    assert.equal((await voter.get('/app/elections/broken/vote')).statusCode, 503);
  });

  test('the candidate page shows the show_candidate_fields as labelled rows, and the bio', async () => {
    const c = t.client();
    await c.signIn('alice');
    const res = await c.get('/app/elections/2026---gb/candidates/aaron');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<h1>Aaron Adams<\/h1>/);
    assert.match(res.body, /<dt>Employer<\/dt><dd>ACME<\/dd>/);
    assert.doesNotMatch(res.body, /hidden@example\.org/, 'fields not in show_candidate_fields stay hidden');
    assert.match(res.body, /I maintain the scheduler/);
    assert.match(res.body, /Go to your ballot/);
    const empty = await c.get('/app/elections/2026---gb/candidates/paris');
    assert.match(empty.body, /No profile submitted\./);
  });

  test('results: 403 while voting is open, 404 without results.md, the page once published', async () => {
    const c = t.client();
    await c.signIn('alice');
    assert.equal((await c.get('/app/elections/2026---gb/results/')).statusCode, 403);
    assert.equal((await c.get('/app/elections/old-nores/results/')).statusCode, 404);
    const res = await c.get('/app/elections/old/results/');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<h2>Winner<\/h2><p>Aaron Adams<\/p>/);
    const page = await c.get('/app/elections/old');
    assert.match(page.body, /href="\/app\/elections\/old\/results\/"/);
  });

  test('the confirmation page needs a ballot; without one it sends the voter back', async () => {
    const c = t.client();
    await c.signIn('alice');
    const res = await c.get('/app/elections/2026---gb/confirmation');
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/app/elections/2026---gb');
  });

  test("candidates appear in an order of each voter's own, the same on every reload", async () => {
    const order = (body: string) => [...body.matchAll(/data-id="([^"]+)"/g)].map((m) => m[1]);
    const orders: string[] = [];
    for (const login of ['alice', 'bob', 'carol', 'dave']) {
      const c = t.client();
      await c.signIn(login);
      const first = order((await c.get('/app/elections/many/vote')).body);
      const second = order((await c.get('/app/elections/many/vote')).body);
      assert.deepEqual(second, first, `${login}: same order on reload`);
      assert.deepEqual(
        [...first].sort(),
        many.candidates.map((x) => x.id),
        'every candidate exactly once',
      );
      orders.push(first.join(','));
    }
    assert.ok(new Set(orders).size > 1, 'different voters see different orders (4 voters, 10! orders)');
    assert.ok(
      orders.some((o) => o !== many.candidates.map((x) => x.id).join(',')),
      'not simply the file order',
    );
  });

  test('the election page lists candidates in the same order as the ballot', async () => {
    const c = t.client();
    await c.signIn('carol');
    const ballot = [...(await c.get('/app/elections/many/vote')).body.matchAll(/data-id="([^"]+)"/g)].map((m) => m[1]);
    const page = [...(await c.get('/app/elections/many')).body.matchAll(/candidates\/(c[a-j])"/g)].map((m) => m[1]);
    assert.deepEqual(page, ballot);
  });
});

describe('public pages', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({
      now: NOW,
      snapshot: snapshotOf([entryOf(running), entryOf(upcoming), entryOf(closed), entryOf(closedNoResults)]),
    });
  });
  after(async () => {
    await t.close();
  });

  test('/elections and /elections/<key> work without signing in and never show a voter list', async () => {
    const c = t.client();
    const list = await c.get('/elections');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /href="\/elections\/2026---gb"/);
    const filtered = await c.get('/elections?status=upcoming');
    assert.match(filtered.body, /Later Election/);
    assert.doesNotMatch(filtered.body, /Governing Board/);
    const page = await c.get('/elections/2026---gb');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Governing Board 2026/);
    assert.match(page.body, /Steering Committee members may vote/);
    assert.match(page.body, /Aaron Adams/);
    assert.match(page.body, /href="\/login\?next=%2Fapp%2Felections%2F2026---gb"/);
    for (const voter of ['Alice', 'secret-voter-login']) assert.doesNotMatch(page.body, new RegExp(voter));
    assert.doesNotMatch(page.body, /hidden@example\.org/);
  });

  test('a closed election offers no "Sign in to vote": the results when published, else nothing to sign in for', async () => {
    const c = t.client();
    const published = (await c.get('/elections/old')).body;
    assert.doesNotMatch(published, /Sign in to vote/);
    assert.match(published, /Voting has closed\./);
    assert.match(published, /href="\/login\?next=%2Fapp%2Felections%2Fold%2Fresults%2F"[^>]*>Sign in to read the results/);
    const unpublished = (await c.get('/elections/old-nores')).body;
    assert.doesNotMatch(unpublished, /Sign in to|href="\/login\?next=/);
    assert.match(unpublished, /not published the results yet/);
    assert.match((await c.get('/elections/later')).body, /Sign in to vote/, 'an upcoming election still invites a sign-in');
  });

  test('the dates speak in the right tense: "Voting opened" once open, "Voting closed" once closed', async () => {
    const c = t.client();
    const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    const running = text((await c.get('/elections/2026---gb')).body);
    assert.match(running, /Voting opened /);
    assert.match(running, /Voting closes /);
    assert.match(running, /Exception requests until /);
    assert.doesNotMatch(running, /Voting opens /);
    const old = text((await c.get('/elections/old')).body);
    assert.match(old, /Voting opened .* Voting closed .* Exception requests closed /);
    const later = text((await c.get('/elections/later')).body);
    assert.match(later, /Voting opens .* Voting closes /);
  });
});

describe('pages rendered from a snapshot follow the next snapshot', () => {
  test('a new description, candidate bio and name show after the swap; nothing of the old one stays', async () => {
    const first = makeElection({
      key: 'swap',
      name: 'Before The Sync',
      startDatetime: new Date(NOW.getTime() - day),
      endDatetime: new Date(NOW.getTime() + day),
      voters: ['alice'],
      descriptionHtml: '<p>Old description.</p>',
      candidates: [makeCandidate('ann', 'Ann', { bioHtml: '<p>Old bio.</p>' })],
    });
    const t = await startTestApp({ now: NOW, snapshot: snapshotOf([entryOf(first)], 'rev1') });
    try {
      const c = t.client();
      await c.signIn('alice');
      assert.match((await c.get('/app/elections/swap')).body, /Old description/);
      assert.match((await c.get('/app/elections/swap/candidates/ann')).body, /Old bio/);
      assert.match((await c.get('/app/elections')).body, /Before The Sync/);
      const second = {
        ...first,
        name: 'After The Sync',
        descriptionHtml: '<p>New description.</p>',
        candidates: [makeCandidate('ann', 'Ann', { bioHtml: '<p>New bio.</p>' })],
      };
      t.catalogue.replace(snapshotOf([entryOf(second)], 'rev2'));
      const page = (await c.get('/app/elections/swap')).body;
      assert.match(page, /New description/);
      assert.doesNotMatch(page, /Old description|Before The Sync/);
      assert.match((await c.get('/app/elections/swap/candidates/ann')).body, /New bio/);
      const list = (await c.get('/app/elections')).body;
      assert.match(list, /After The Sync/);
      assert.doesNotMatch(list, /Before The Sync/);
      assert.match((await c.get('/app')).body, /After The Sync/);
    } finally {
      await t.close();
    }
  });
});
