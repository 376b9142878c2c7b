// Issue 14, items 1 and 2, tried as an attacker would, through GitHub sign-in (the fake
// provider) on every database. Voter u5 votes, renames the GitHub account to u5-old,
// and someone else registers u5 and signs in:
//  - the new account is a new user: it inherits none of u5's data (exception request,
//    voted status, passphrase attempts), and the old account's sessions end;
//  - it cannot cast a second ballot for the login u5 (refused, and told why);
//  - the renamed account keeps its ballot, and the officers see the case explained.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestApp, type TestApp, type TestClient } from '../helpers/app.js';
import { tableCounts } from '../helpers/ballotHarness.js';
import { dialects } from '../helpers/db.js';
import { githubEnv, startFakeGitHub, type FakeAccount, type FakeGitHub } from '../helpers/fakeGithub.js';
import { entryOf, makeElection, snapshotOf } from '../helpers/meta.js';

const NOW = new Date('2026-03-10T12:00:00Z');
const gb = makeElection({
  key: 'gb',
  name: 'Governing Board',
  startDatetime: new Date('2026-03-01T00:00:00Z'),
  endDatetime: new Date('2026-03-20T00:00:00Z'),
  voters: ['U5', 'u7', 'alice'],
  officers: ['olivia'],
});
const tsc = makeElection({
  key: 'tsc',
  name: 'Technical Steering',
  startDatetime: new Date('2026-03-01T00:00:00Z'),
  endDatetime: new Date('2026-03-20T00:00:00Z'),
  exceptionDue: new Date('2026-03-15T00:00:00Z'),
  voters: ['alice'],
});
const BALLOT = { 'candidate@ann': '1', 'candidate@ben': '2', 'candidate@cat': '3' };
const PASSPHRASE = 'correct horse battery';

async function githubSignIn(c: TestClient, fake: FakeGitHub, account: FakeAccount): Promise<void> {
  fake.account = account;
  const start = await c.post('/oauth/github/login', {}, { csrfFrom: '/login' });
  assert.equal(start.statusCode, 303, start.body.slice(0, 200));
  const atGitHub = await fetch(new URL(start.headers.location as string), { redirect: 'manual' });
  const back = new URL(atGitHub.headers.get('location') ?? '');
  const callback = await c.get(`${back.pathname}${back.search}`);
  assert.equal(callback.statusCode, 303);
  assert.equal(callback.headers.location, '/app', `signed in as ${account.login}`);
}

for (const kind of dialects()) {
  describe(`a GitHub login renamed away and re-registered, on ${kind}`, () => {
    let fake: FakeGitHub;
    let t: TestApp;
    before(async () => {
      fake = await startFakeGitHub();
      t = await startTestApp({
        kind,
        env: { ...githubEnv(fake), APP_URL: 'http://vote.example.test' },
        snapshot: snapshotOf([entryOf(gb), entryOf(tsc)]),
        now: NOW,
      });
    });
    after(async () => {
      await t.close();
      await fake.close();
    });

    test('u5 votes, renames the account to u5-old, someone registers u5 and signs in: that account cannot vote again for u5', async () => {
      const store = t.service.ctx.store;
      const voter = t.client();
      await githubSignIn(voter, fake, { login: 'u5', id: 500, name: 'First Owner' });
      const cast = await voter.post('/app/elections/gb/vote', { ...BALLOT, password: PASSPHRASE }, { csrfFrom: '/app/elections/gb/vote' });
      assert.equal(cast.statusCode, 303, cast.body.slice(0, 300));
      // The account is renamed at GitHub and signs in under its new name.
      const renamed = t.client();
      await githubSignIn(renamed, fake, { login: 'u5-old', id: 500, name: 'First Owner' });
      const first = (await store.users.findByLogin('u5-old'))!;

      // Another account registers u5 and signs in: it is on the voter list as u5.
      const taker = t.client();
      await githubSignIn(taker, fake, { login: 'u5', id: 501, name: 'Second Owner' });
      const second = (await store.users.findByLogin('u5'))!;
      assert.notEqual(second.id, first.id);
      const again = await taker.post('/app/elections/gb/vote', BALLOT, { csrfFrom: '/app/elections/gb' });
      assert.equal(again.statusCode, 409, 'no second ballot for u5');
      assert.match(again.body, /One ballot counts per eligible login/);
      assert.deepEqual(await tableCounts(store, 'gb'), { voters: 1, ballotRows: 3, ballots: 1 }, 'one ballot for u5');
      const page = await taker.get('/app/elections/gb');
      assert.equal(page.statusCode, 200);
      assert.doesNotMatch(page.body, /You have voted in this election/);
      assert.match(page.body, /A ballot has already been cast in this election under the login u5, by another GitHub account/);
      assert.doesNotMatch(page.body, /Vote now/);
      // The candidate pages ask the same policy: no way to the ballot either.
      const candidate = await taker.get(`/app/elections/gb/candidates/${gb.candidates[0]!.id}`);
      assert.equal(candidate.statusCode, 200);
      assert.doesNotMatch(candidate.body, /Go to your ballot/);
      assert.equal((await taker.get('/app/elections/gb/vote')).statusCode, 409);
      const votes = await sql<{ n: number | string }>`select count(*) as n from voter where user_id = ${second.id}`.execute(store.db);
      assert.equal(Number(votes.rows[0]?.n), 0);

      // The renamed account keeps what it cast: still voted, and its passphrase opens the ballot.
      const mine = await renamed.get('/app/elections/gb');
      assert.match(mine.body, /You have voted in this election/);
      const view = await renamed.post('/app/elections/gb/vote/view', { password: PASSPHRASE }, { csrfFrom: '/app/elections/gb' });
      assert.equal(view.statusCode, 200, view.body.slice(0, 300));

      // The officers see u5 as voted, and why nobody can vote as u5 again.
      const officer = t.client();
      await githubSignIn(officer, fake, { login: 'olivia', id: 900, name: null });
      const overview = await officer.get('/app/elections/gb/admin/');
      assert.equal(overview.statusCode, 200);
      assert.match(overview.body, /<strong>1<\/strong> of 3 eligible voters have voted/);
      assert.doesNotMatch(overview.body, /not on the current voter list/);
      assert.match(overview.body, /One ballot was cast under a login whose GitHub account has been renamed since/);
      assert.match(overview.body, /u5: cast by the account now called <strong>u5-old<\/strong>/);
      const voted = /Voted \((\d+)\)<\/summary>([\s\S]*?)<\/details>/.exec(overview.body);
      assert.match(voted?.[2] ?? '', /<li>U5<\/li>/);
    });

    test("a login re-registered before its old owner signs in again: a new user, inheriting none of the old account's data, and the old sessions end", async () => {
      const store = t.service.ctx.store;
      // u7 (GitHub id 700) votes, asks for an exception in tsc, and mistypes the passphrase once.
      const old = t.client();
      await githubSignIn(old, fake, { login: 'u7', id: 700, name: 'Old Owner' });
      const cast = await old.post('/app/elections/gb/vote', { ...BALLOT, password: PASSPHRASE }, { csrfFrom: '/app/elections/gb/vote' });
      assert.equal(cast.statusCode, 303, cast.body.slice(0, 300));
      const request = await old.post(
        '/app/elections/tsc/exception',
        { name: 'Old Owner', email: 'old@example.org', chat: '', description: 'I wrote the docs.', comments: 'private note' },
        { csrfFrom: '/app/elections/tsc/exception' },
      );
      assert.equal(request.statusCode, 303, request.body.slice(0, 300));
      const wrong = await old.post('/app/elections/gb/vote/view', { password: 'not the passphrase' }, { csrfFrom: '/app/elections/gb' });
      assert.equal(wrong.statusCode, 403);
      const oldUser = (await store.users.findByLogin('u7'))!;

      // The account is renamed at GitHub, and before it signs in here again a different
      // account (GitHub id 701) registers u7 and signs in.
      const taker = t.client();
      await githubSignIn(taker, fake, { login: 'u7', id: 701, name: 'New Owner' });
      const newUser = (await store.users.findByLogin('u7'))!;
      assert.notEqual(newUser.id, oldUser.id, 'a new user, not the old row re-bound');
      assert.equal(newUser.githubId, '701');
      const oldRow = await store.db
        .selectFrom('user')
        .select(['username', 'github_id'])
        .where('id', '=', oldUser.id)
        .executeTakeFirstOrThrow();
      assert.equal(String(oldRow.github_id), '700', 'the old row keeps its GitHub id');
      assert.match(oldRow.username ?? '', /^u7~released-\d+$/, 'and lets go of the login');

      // None of the old account's personal data is the new account's.
      const exception = await taker.get('/app/elections/tsc/exception');
      assert.equal(exception.statusCode, 200);
      assert.doesNotMatch(exception.body, /old@example\.org|I wrote the docs|private note/);
      assert.equal(
        (await store.requests.findByUserAndElectionKey(oldUser.id, 'tsc'))?.email,
        'old@example.org',
        'the request stays with the old account',
      );
      assert.equal(await store.requests.findByUserAndElectionKey(newUser.id, 'tsc'), null);
      const attempts = await store.db
        .selectFrom('scrutin_passphrase_attempt')
        .select('user_id')
        .where('user_id', 'in', [oldUser.id, newUser.id])
        .execute();
      assert.deepEqual(
        attempts.map((a) => a.user_id),
        [oldUser.id],
        'the attempts stay with the old account',
      );
      const page = await taker.get('/app/elections/gb');
      assert.doesNotMatch(page.body, /You have voted in this election/, "the old account's vote is not the new account's");
      assert.equal(
        (await taker.post('/app/elections/gb/vote', BALLOT, { csrfFrom: '/app/elections/gb' })).statusCode,
        409,
        'and u7 has its ballot',
      );

      // The old account's session, which still says u7, ended when the login moved on.
      const stale = await old.get('/app');
      assert.equal(stale.statusCode, 303);
      assert.match(stale.headers.location ?? '', /^\/login/);

      // Signing in again under its new name, it is the same user with its own data.
      const back = t.client();
      await githubSignIn(back, fake, { login: 'u7-renamed', id: 700, name: 'Old Owner' });
      assert.equal((await store.users.findByLogin('u7-renamed'))?.id, oldUser.id);
      assert.match((await back.get('/app/elections/gb')).body, /You have voted in this election/);
      assert.match((await back.get('/app/elections/tsc/exception')).body, /old@example\.org/);
    });
  });
}
