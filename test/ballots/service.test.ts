// The ballot service on each database: what casting stores (and does not store), view
// and revoke with the passphrase, the attempt limit, the window to the second, and
// delete_after. Counts are read straight from the tables, not through BallotRepo.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { CastOutcome } from '../../src/app/ballots/types.js';
import { eraseDueLinks } from '../../src/app/eraseLinks.js';
import { openVoterId } from '../../src/core/ballot/secrecy.js';
import { argon2DeriveKey } from '../../src/crypto/kdf.js';
import { ballotHarness, rankInOrder, tableCounts, type BallotHarness } from '../helpers/ballotHarness.js';
import { dialects } from '../helpers/db.js';
import { refusalOf, told } from '../helpers/told.js';
import { makeCandidate, makeElection, snapshotOf, entryOf } from '../helpers/meta.js';
import { defaultRules } from '../../src/core/governance/rules.js';
import { NO_OPINION_RANK } from '../../src/core/ballot/rank.js';

const start = new Date('2026-01-01T00:00:00Z');
const end = new Date('2026-01-15T00:00:00Z');
const during = new Date('2026-01-10T12:00:00Z');
const voters = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'Grace'];
const board = makeElection({
  key: 'board',
  startDatetime: start,
  endDatetime: end,
  voters,
  candidates: [makeCandidate('ann', 'Ann A.'), makeCandidate('ben', 'Ben B.'), makeCandidate('cat', 'Cat C.')],
});
const strict = makeElection({ key: 'strict', startDatetime: start, endDatetime: end, voters, allowNoOpinion: false });
const later = makeElection({
  key: 'later',
  startDatetime: new Date('2026-02-01T00:00:00Z'),
  endDatetime: new Date('2026-02-10T00:00:00Z'),
  voters,
});
const secret = makeElection({ key: 'secret', startDatetime: start, endDatetime: end, voters, deleteAfter: true });
// ballot_method: approval with max_selections: 2, and ballot_method: stv.
const approval = makeElection({
  key: 'approval',
  startDatetime: start,
  endDatetime: end,
  voters,
  rules: { ...defaultRules(), method: 'approval', maxSelections: 2 },
});
const stv = makeElection({ key: 'stv', startDatetime: start, endDatetime: end, voters, rules: { ...defaultRules(), method: 'stv' } });
const HEX32 = /^[0-9a-f]{32}$/;
const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** What a cast's outcome says besides the recorded ranking (checked where it matters). */
function castSummary(outcome: CastOutcome): unknown {
  return outcome.ok ? { ok: true, abstention: outcome.abstention, receipt: outcome.receipt } : outcome;
}

async function voterRow(h: BallotHarness, login: string, key: string) {
  return h.store.db
    .selectFrom('voter')
    .innerJoin('user', 'user.id', 'voter.user_id')
    .innerJoin('election', 'election.id', 'voter.election_id')
    .select(['voter.id', 'voter.salt', 'voter.ballot_id', 'voter.kdf', 'voter.created_at'])
    .where('user.username', '=', login)
    .where('election.key', '=', key)
    .executeTakeFirst();
}

async function ballotRowsOf(h: BallotHarness, key: string) {
  return h.store.db
    .selectFrom('ballot')
    .innerJoin('election', 'election.id', 'ballot.election_id')
    .select(['ballot.id', 'ballot.voter', 'ballot.candidate', 'ballot.rank'])
    .where('election.key', '=', key)
    .orderBy('ballot.candidate')
    .execute();
}

for (const kind of dialects()) {
  describe(`ballot service on ${kind}`, () => {
    let h: BallotHarness;
    before(async () => {
      // An entry with errors, to be refused as unavailable.
      h = await ballotHarness(kind, { elections: [board, strict, later, secret, approval, stv], now: during });
      const entries = [board, strict, later, secret, approval, stv].map(entryOf);
      entries.push({
        key: 'broken',
        dir: 'elections/broken',
        ok: false,
        name: 'Broken',
        officerSet: new Set(),
        problems: [{ file: 'elections/broken/election.yaml', message: 'bad', severity: 'error' }],
      });
      h.catalogue.replace(snapshotOf(entries, 'abc', during));
    });
    after(async () => {
      await h.cleanup();
    });

    test('approval and STV ballots: the same rows and links; cast, view, revoke and cast again', async () => {
      const frank = await h.user('frank');
      const tooMany = await h.service.cast({
        user: frank,
        electionKey: 'approval',
        fields: { 'candidate@ann': 'approve', 'candidate@ben': 'approve', 'candidate@cat': 'approve' },
        passphrase: 'frank passphrase',
        confirmAbstention: false,
      });
      assert.equal(refusalOf(tooMany).code, 'invalid-ballot');
      assert.deepEqual(await tableCounts(h.store, 'approval'), { voters: 0, ballotRows: 0, ballots: 0 });
      const cast = await h.service.cast({
        user: frank,
        electionKey: 'approval',
        fields: { 'candidate@ann': 'approve', 'candidate@cat': 'approve' },
        passphrase: 'frank passphrase',
        confirmAbstention: false,
      });
      assert.deepEqual(castSummary(cast), { ok: true, abstention: false, receipt: null });
      assert.deepEqual(
        (await ballotRowsOf(h, 'approval')).map((r) => [r.candidate, r.rank]),
        [
          ['ann', 1],
          ['ben', NO_OPINION_RANK],
          ['cat', 1],
        ],
        "approved: rank 1; not approved: Elekto's no-opinion rank",
      );
      const viewed = await h.service.view({ user: frank, electionKey: 'approval', passphrase: 'frank passphrase' });
      assert.ok(viewed.ok);
      assert.deepEqual(
        viewed.choices.map((c) => [c.candidateId, c.rank]),
        [
          ['ann', 1],
          ['ben', null],
          ['cat', 1],
        ],
      );
      assert.ok((await h.service.revoke({ user: frank, electionKey: 'approval', passphrase: 'frank passphrase' })).ok);
      assert.deepEqual(await tableCounts(h.store, 'approval'), { voters: 0, ballotRows: 0, ballots: 0 });
      const again = await h.service.cast({
        user: frank,
        electionKey: 'approval',
        fields: {},
        passphrase: '',
        confirmAbstention: true,
      });
      assert.deepEqual(castSummary(again), { ok: true, abstention: true, receipt: null }, 'approving nobody is a confirmed abstention');

      const shared = await h.service.cast({
        user: frank,
        electionKey: 'stv',
        fields: { 'candidate@ann': '1', 'candidate@ben': '1', 'candidate@cat': '' },
        passphrase: '',
        confirmAbstention: false,
      });
      assert.equal(refusalOf(shared).code, 'invalid-ballot');
      const ranked = await h.service.cast({
        user: frank,
        electionKey: 'stv',
        fields: { 'candidate@ann': '2', 'candidate@ben': '1', 'candidate@cat': '' },
        passphrase: 'frank passphrase',
        confirmAbstention: false,
      });
      assert.deepEqual(castSummary(ranked), { ok: true, abstention: false, receipt: null });
      assert.ok((await h.service.revoke({ user: frank, electionKey: 'stv', passphrase: 'frank passphrase' })).ok);
      const recast = await h.service.cast({
        user: frank,
        electionKey: 'stv',
        fields: { 'candidate@ann': '1', 'candidate@ben': '', 'candidate@cat': '2' },
        passphrase: '',
        confirmAbstention: false,
      });
      assert.deepEqual(castSummary(recast), { ok: true, abstention: false, receipt: null });
      assert.deepEqual(
        (await ballotRowsOf(h, 'stv')).map((r) => [r.candidate, r.rank]),
        [
          ['ann', 1],
          ['ben', NO_OPINION_RANK],
          ['cat', 2],
        ],
      );
    });

    test('without a passphrase: one voter row with no salt, no link, no parameters, no key derivation; one row per candidate', async () => {
      const alice = await h.user('alice');
      const derivationsBefore = h.derivations();
      const outcome = await h.service.cast({
        user: alice,
        electionKey: 'board',
        fields: rankInOrder(board),
        passphrase: '',
        confirmAbstention: false,
      });
      assert.deepEqual(castSummary(outcome), { ok: true, abstention: false, receipt: null });
      assert.equal(h.derivations(), derivationsBefore, 'no key derivation without a passphrase');
      const v = await voterRow(h, 'alice', 'board');
      assert.ok(v);
      assert.equal(v.salt, null);
      assert.equal(v.ballot_id, null);
      assert.equal(v.kdf, null);
      const rows = await ballotRowsOf(h, 'board');
      assert.deepEqual(
        rows.map((r) => [r.candidate, r.rank]),
        [
          ['ann', 1],
          ['ben', 2],
          ['cat', 3],
        ],
      );
      assert.equal(new Set(rows.map((r) => r.voter)).size, 1);
      assert.match(rows[0]!.voter, UUID4);
      for (const r of rows) assert.match(r.id.trim(), HEX32);
      assert.deepEqual(await h.service.status(alice, 'board'), {
        voted: true,
        hasPassphrase: false,
        linksErased: false,
        loginTaken: false,
      });
      assert.deepEqual([...(await h.service.votedKeys(alice.id))], ['board']);
    });

    test('a voter without a passphrase can neither view nor revoke, is told why, and no attempt is counted', async () => {
      const alice = await h.user('alice');
      for (const outcome of [
        await h.service.view({ user: alice, electionKey: 'board', passphrase: 'anything at all' }),
        await h.service.revoke({ user: alice, electionKey: 'board', passphrase: 'anything at all' }),
      ]) {
        const refusal = refusalOf(outcome);
        assert.equal(refusal.code, 'no-passphrase');
        assert.match(refusal.message, /without a passphrase/);
      }
      const attempts = await h.store.db.selectFrom('scrutin_passphrase_attempt').selectAll().execute();
      assert.equal(attempts.length, 0);
      assert.deepEqual(await tableCounts(h.store, 'board'), { voters: 1, ballotRows: 3, ballots: 1 });
    });

    test('a second cast is refused cleanly: "already voted", nothing added', async () => {
      const alice = await h.user('alice');
      const outcome = await h.service.cast({
        user: alice,
        electionKey: 'board',
        fields: rankInOrder(board),
        passphrase: '',
        confirmAbstention: false,
      });
      const refusal = refusalOf(outcome);
      assert.equal(refusal.code, 'already-voted');
      assert.equal(refusal.status, 409);
      assert.match(refusal.message, /already voted/);
      assert.deepEqual(await tableCounts(h.store, 'board'), { voters: 1, ballotRows: 3, ballots: 1 });
    });

    test('with a passphrase: a 16-byte salt, a 76-byte sealed identifier and the parameters; the link opens to the ballot rows', async () => {
      const bob = await h.user('bob');
      const outcome = await h.service.cast({
        user: bob,
        electionKey: 'board',
        passphrase: 'bob has a long passphrase',
        confirmAbstention: false,
        fields: { 'candidate@ann': '2', 'candidate@ben': '', 'candidate@cat': '1' },
      });
      assert.deepEqual(castSummary(outcome), { ok: true, abstention: false, receipt: null });
      // The confirmation's "ballot that was recorded": the ranks as stored.
      assert.deepEqual(outcome.ok ? outcome.choices.map((c) => [c.candidateId, c.rank]) : [], [
        ['ann', 2],
        ['ben', null],
        ['cat', 1],
      ]);
      const v = await voterRow(h, 'bob', 'board');
      assert.ok(v?.salt && v.ballot_id);
      assert.equal(v.salt.length, 16);
      assert.equal(v.ballot_id.length, 76);
      assert.equal(v.kdf, 'argon2id$v=19$m=64,t=1,p=1');
      // Independently of the service: the passphrase opens the link, and it names bob's rows.
      const opened = await openVoterId({
        passphrase: 'bob has a long passphrase',
        salt: Uint8Array.from(v.salt),
        sealed: Uint8Array.from(v.ballot_id),
        kdf: v.kdf,
        deriveKey: argon2DeriveKey,
      });
      assert.equal(opened.ok, true);
      const rows = (await ballotRowsOf(h, 'board')).filter((r) => r.voter === opened.voterId);
      assert.deepEqual(
        rows.map((r) => [r.candidate, r.rank]),
        [
          ['ann', 2],
          ['ben', 100000000],
          ['cat', 1],
        ],
      );
      assert.deepEqual(await h.service.status(bob, 'board'), { voted: true, hasPassphrase: true, linksErased: false, loginTaken: false });
    });

    test('view with the right passphrase shows the names and ranks, and changes nothing', async () => {
      const bob = await h.user('bob');
      const before = await tableCounts(h.store, 'board');
      const outcome = await h.service.view({ user: bob, electionKey: 'board', passphrase: 'bob has a long passphrase' });
      assert.deepEqual(outcome, {
        ok: true,
        choices: [
          { candidateId: 'ann', name: 'Ann A.', rank: 2 },
          { candidateId: 'ben', name: 'Ben B.', rank: null },
          { candidateId: 'cat', name: 'Cat C.', rank: 1 },
        ],
        receipt: null,
      });
      assert.deepEqual(await tableCounts(h.store, 'board'), before);
      const attempts = await h.store.db.selectFrom('scrutin_passphrase_attempt').selectAll().execute();
      assert.equal(attempts.length, 0, 'a right passphrase does not use up the allowance');
    });

    test('wrong passphrases change nothing and count; the sixth attempt is refused, even with the right passphrase, until the window passes', async () => {
      const bob = await h.user('bob');
      const before = await tableCounts(h.store, 'board');
      const voterBefore = await voterRow(h, 'bob', 'board');
      for (let i = 1; i <= 5; i++) {
        const outcome = await h.service[i % 2 === 0 ? 'revoke' : 'view']({
          user: bob,
          electionKey: 'board',
          passphrase: `wrong guess ${i}`,
        });
        if (outcome.ok || outcome.code !== 'wrong-passphrase') assert.fail(`attempt ${i}: ${JSON.stringify(outcome)}`);
        assert.equal(told(outcome).status, 403);
        assert.equal(outcome.attemptsLeft, 5 - i);
        assert.match(told(outcome).message, new RegExp(`${5 - i} of 5 attempts left in any 15 minutes`));
      }
      const sixth = await h.service.view({ user: bob, electionKey: 'board', passphrase: 'bob has a long passphrase' });
      if (sixth.ok || sixth.code !== 'too-many-attempts') assert.fail(JSON.stringify(sixth));
      assert.equal(told(sixth).status, 429);
      assert.match(told(sixth).message, /at most 5 .* any 15 minutes/);
      assert.ok(sixth.retryAfterSeconds > 0 && sixth.retryAfterSeconds <= 15 * 60 + 1, String(sixth.retryAfterSeconds));
      assert.deepEqual(await tableCounts(h.store, 'board'), before);
      assert.deepEqual(await voterRow(h, 'bob', 'board'), voterBefore);
      // Another voter is not affected by bob's attempts.
      const carol = await h.user('carol');
      await h.service.cast({
        user: carol,
        electionKey: 'board',
        fields: rankInOrder(board),
        passphrase: 'carol secret',
        confirmAbstention: false,
      });
      assert.equal((await h.service.view({ user: carol, electionKey: 'board', passphrase: 'carol secret' })).ok, true);
      // Once the window has passed, the right passphrase works again.
      h.setNow(new Date(during.getTime() + 16 * 60_000));
      try {
        assert.equal((await h.service.view({ user: bob, electionKey: 'board', passphrase: 'bob has a long passphrase' })).ok, true);
      } finally {
        h.setNow(during);
      }
    });

    test('revoke with the right passphrase deletes the ballot and the voter row together; then the voter can vote again', async () => {
      const erin = await h.user('erin');
      await h.service.cast({
        user: erin,
        electionKey: 'board',
        fields: rankInOrder(board),
        passphrase: 'erin passphrase',
        confirmAbstention: false,
      });
      const before = await tableCounts(h.store, 'board');
      const revoked = await h.service.revoke({ user: erin, electionKey: 'board', passphrase: 'erin passphrase' });
      if (!revoked.ok) assert.fail(JSON.stringify(revoked));
      assert.deepEqual(
        revoked.choices.map((c) => c.rank),
        [1, 2, 3],
      );
      assert.deepEqual(await tableCounts(h.store, 'board'), {
        voters: before.voters - 1,
        ballotRows: before.ballotRows - 3,
        ballots: before.ballots - 1,
      });
      assert.equal(await voterRow(h, 'erin', 'board'), undefined);
      assert.deepEqual(await h.service.status(erin, 'board'), {
        voted: false,
        hasPassphrase: false,
        linksErased: false,
        loginTaken: false,
      });
      const again = await h.service.cast({
        user: erin,
        electionKey: 'board',
        fields: { 'candidate@ann': '3', 'candidate@ben': '1', 'candidate@cat': '2' },
        passphrase: 'a new passphrase',
        confirmAbstention: false,
      });
      assert.deepEqual(castSummary(again), { ok: true, abstention: false, receipt: null });
      const view = await h.service.view({ user: erin, electionKey: 'board', passphrase: 'a new passphrase' });
      assert.deepEqual(view.ok ? view.choices.map((c) => [c.candidateId, c.rank]) : [], [
        ['ann', 3],
        ['ben', 1],
        ['cat', 2],
      ]);
      assert.equal(
        (await h.service.view({ user: erin, electionKey: 'board', passphrase: 'erin passphrase' })).ok,
        false,
        'the old passphrase opens nothing now',
      );
    });

    test('refusals: unknown election, an election with errors, not eligible, not started', async () => {
      const alice = await h.user('alice');
      const mallory = await h.user('mallory');
      const cast = (user: typeof alice, electionKey: string) =>
        h.service.cast({ user, electionKey, fields: rankInOrder(board), passphrase: '', confirmAbstention: false });
      const nope = await cast(alice, 'nope');
      assert.equal(!nope.ok && told(nope).status, 404);
      const broken = await cast(alice, 'broken');
      assert.equal(!broken.ok && told(broken).status, 409);
      assert.match(!broken.ok ? told(broken).message : '', /unavailable/);
      const ineligible = await cast(mallory, 'board');
      assert.equal(!ineligible.ok && told(ineligible).status, 403);
      assert.match(!ineligible.ok ? told(ineligible).message : '', /mallory is not on the list of eligible voters/);
      const upcoming = await cast(alice, 'later');
      assert.equal(!upcoming.ok && told(upcoming).status, 403);
      assert.match(!upcoming.ok ? told(upcoming).message : '', /not started/);
      // Eligibility ignores case: the list says Grace.
      const grace = await h.user('grace');
      assert.deepEqual(
        await h.service.cast({ user: grace, electionKey: 'later', fields: rankInOrder(later), passphrase: '', confirmAbstention: false }),
        upcoming,
      );
      assert.equal((await cast(grace, 'board')).ok, true);
      assert.equal((await tableCounts(h.store, 'later')).voters, 0);
    });

    test('invalid ballots and passphrases come back field by field, and nothing is stored', async () => {
      const frank = await h.user('frank');
      const before = await tableCounts(h.store, 'board');
      const bad = await h.service.cast({
        user: frank,
        electionKey: 'board',
        fields: { 'candidate@ann': '4', 'candidate@ben': '1', 'candidate@zed': '2' },
        passphrase: 'short',
        confirmAbstention: false,
      });
      if (bad.ok || bad.code !== 'invalid-ballot') assert.fail(JSON.stringify(bad));
      assert.equal(told(bad).status, 400);
      assert.deepEqual(Object.keys(bad.fieldErrors).sort(), ['candidate@ann', 'candidate@cat', 'candidate@zed', 'password']);
      assert.match(bad.fieldErrors.password!, /at least 6 characters/);
      const noOpinion = await h.service.cast({
        user: frank,
        electionKey: 'strict',
        fields: { 'candidate@ann': '1', 'candidate@ben': '', 'candidate@cat': '2' },
        passphrase: '',
        confirmAbstention: false,
      });
      assert.equal(!noOpinion.ok && noOpinion.code === 'invalid-ballot' && Object.keys(noOpinion.fieldErrors).join(), 'candidate@ben');
      assert.deepEqual(await tableCounts(h.store, 'board'), before);
      assert.equal((await tableCounts(h.store, 'strict')).voters, 0);
      assert.equal(await voterRow(h, 'frank', 'board'), undefined);
    });

    test('a ballot without any preference needs the abstention confirmed; confirmed, it is stored as no-opinion rows', async () => {
      const frank = await h.user('frank');
      const fields = { 'candidate@ann': '', 'candidate@ben': '', 'candidate@cat': '' };
      const unconfirmed = await h.service.cast({ user: frank, electionKey: 'board', fields, passphrase: '', confirmAbstention: false });
      assert.equal(!unconfirmed.ok && unconfirmed.code === 'abstention-unconfirmed' && told(unconfirmed).status === 400, true);
      assert.equal(await voterRow(h, 'frank', 'board'), undefined);
      const sameRank = await h.service.cast({
        user: frank,
        electionKey: 'board',
        fields: { 'candidate@ann': '1', 'candidate@ben': '1', 'candidate@cat': '1' },
        passphrase: '',
        confirmAbstention: false,
      });
      assert.equal(!sameRank.ok && sameRank.code === 'abstention-unconfirmed' && told(sameRank).status === 400, true);
      const confirmed = await h.service.cast({ user: frank, electionKey: 'board', fields, passphrase: '', confirmAbstention: true });
      assert.deepEqual(castSummary(confirmed), { ok: true, abstention: true, receipt: null });
      assert.ok(await voterRow(h, 'frank', 'board'));
    });

    test('one second after the end: a vote and a revoke are refused with a clear message and change nothing; viewing still works', async () => {
      const dave = await h.user('dave');
      const erin = await h.user('erin');
      await h.service.cast({
        user: dave,
        electionKey: 'strict',
        fields: rankInOrder(strict),
        passphrase: 'dave passphrase',
        confirmAbstention: false,
      });
      h.setNow(new Date(end.getTime() - 1000));
      const lastSecond = await h.service.cast({
        user: erin,
        electionKey: 'strict',
        fields: rankInOrder(strict),
        passphrase: '',
        confirmAbstention: false,
      });
      assert.equal(lastSecond.ok, true, 'the last second before the end is still open');
      h.setNow(new Date(end.getTime() + 1000));
      try {
        const before = await tableCounts(h.store, 'strict');
        const attemptsBefore = (await h.store.db.selectFrom('scrutin_passphrase_attempt').selectAll().execute()).length;
        const alice = await h.user('alice');
        const vote = await h.service.cast({
          user: alice,
          electionKey: 'strict',
          fields: rankInOrder(strict),
          passphrase: '',
          confirmAbstention: false,
        });
        assert.equal(!vote.ok && told(vote).status, 403);
        assert.match(!vote.ok ? told(vote).message : '', /Voting closed on Thu 15 January 2026, 00:00 UTC/);
        const revoke = await h.service.revoke({ user: dave, electionKey: 'strict', passphrase: 'dave passphrase' });
        assert.equal(!revoke.ok && told(revoke).status, 403);
        assert.match(!revoke.ok ? told(revoke).message : '', /closed .* can no longer be revoked/);
        assert.deepEqual(await tableCounts(h.store, 'strict'), before);
        assert.equal(
          (await h.store.db.selectFrom('scrutin_passphrase_attempt').selectAll().execute()).length,
          attemptsBefore,
          'a refused revoke is not an attempt',
        );
        const view = await h.service.view({ user: dave, electionKey: 'strict', passphrase: 'dave passphrase' });
        assert.equal(view.ok, true);
      } finally {
        h.setNow(during);
      }
    });

    test('delete_after: after the end the links are erased on the first request, ballots kept and rewritten, only counts logged', async () => {
      const users = await Promise.all(['alice', 'bob', 'carol'].map((l) => h.user(l)));
      for (const [i, user] of users.entries()) {
        const outcome = await h.service.cast({
          user,
          electionKey: 'secret',
          fields: rankInOrder(secret),
          passphrase: i < 2 ? `passphrase of ${user.login}` : '',
          confirmAbstention: false,
        });
        assert.equal(outcome.ok, true);
      }
      assert.equal((await h.service.view({ user: users[0]!, electionKey: 'secret', passphrase: 'passphrase of alice' })).ok, true);
      const rowsBefore = await ballotRowsOf(h, 'secret');
      // PostgreSQL's xmin: a voter row and its ballot rows share the writing transaction's id
      // (docs/ballot-secrecy.md), which the erasure's rewrite must take away.
      const xminJoin = () =>
        sql<{
          n: string;
        }>`select count(distinct b.voter) as n from ballot b join voter v on b.xmin = v.xmin join election e on e.id = b.election_id where e.key = 'secret'`.execute(
          h.store.db,
        );
      if (kind === 'postgresql')
        assert.equal(Number((await xminJoin()).rows[0]?.n), 3, 'xmin joins every ballot to its voter before the erasure');
      h.setNow(new Date(end.getTime() + 1000));
      try {
        const status = await h.service.status(users[0]!, 'secret');
        assert.deepEqual(status, { voted: true, hasPassphrase: false, linksErased: true, loginTaken: false });
        for (const login of ['alice', 'bob', 'carol']) {
          const v = await voterRow(h, login, 'secret');
          assert.ok(v);
          assert.deepEqual([v.salt, v.ballot_id, v.kdf], [null, null, null]);
        }
        const erasedAt = await h.store.db
          .selectFrom('election')
          .select('links_erased_at')
          .where('key', '=', 'secret')
          .executeTakeFirstOrThrow();
        assert.notEqual(erasedAt.links_erased_at, null);
        const rowsAfter = await ballotRowsOf(h, 'secret');
        const content = (rows: typeof rowsBefore) => rows.map((r) => `${r.voter}/${r.candidate}/${r.rank}`).sort();
        assert.deepEqual(content(rowsAfter), content(rowsBefore), 'the same ballots');
        const oldIds = new Set(rowsBefore.map((r) => r.id));
        assert.ok(
          rowsAfter.every((r) => !oldIds.has(r.id)),
          'every row written again with a new id',
        );
        if (kind === 'postgresql') assert.equal(Number((await xminJoin()).rows[0]?.n), 0, 'no xmin join left after the erasure');
        const view = await h.service.view({ user: users[0]!, electionKey: 'secret', passphrase: 'passphrase of alice' });
        assert.equal(!view.ok && told(view).status, 410);
        const lines = h.logs.filter((l) => l.includes('delete_after'));
        assert.equal(lines.length, 1);
        assert.equal((JSON.parse(lines[0]!) as { links: number }).links, 2);
        for (const login of ['alice', 'bob', 'carol']) assert.ok(!lines[0]!.includes(login));
        const audit = await h.store.audit.list({ electionKey: 'secret' });
        assert.equal(audit[0]?.action, 'links-erased');
        // The sync's entry point finds nothing left to do.
        const again = await eraseDueLinks({ store: h.store, log: h.ports.log, now: h.now() }, h.catalogue.current());
        assert.deepEqual(again, { erased: [], failed: [] });
      } finally {
        h.setNow(during);
      }
    });
  });
}
