// One ballot per voter under any load, nothing partial, the window to the write: on each
// database. "Replicas" are separate service instances sharing the database, so nothing
// process-local (the per-voter queue) can hide a missing database guarantee.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CastOutcome } from '../../src/app/ballots/types.js';
import { checkConsistency } from '../../src/app/checkConsistency.js';
import { fromDbTime } from '../../src/storage/time.js';
import { ballotHarness, rankInOrder, tableCounts, type BallotHarness } from '../helpers/ballotHarness.js';
import { dialects } from '../helpers/db.js';
import { makeElection } from '../helpers/meta.js';
import { told } from '../helpers/told.js';

const start = new Date('2026-01-01T00:00:00Z');
const end = new Date('2026-01-15T00:00:00Z');
const during = new Date('2026-01-10T12:00:00Z');
const logins = Array.from({ length: 120 }, (_, i) => `voter${String(i).padStart(3, '0')}`);
const elections = ['one', 'many', 'race', 'steps', 'revoke'].map((key) =>
  makeElection({ key, startDatetime: start, endDatetime: end, voters: logins }),
);
const [one, many, race, steps] = elections as [(typeof elections)[0], (typeof elections)[0], (typeof elections)[0], (typeof elections)[0]];

function tally(outcomes: CastOutcome[]): { ok: number; alreadyVoted: number; other: string[] } {
  const result = { ok: 0, alreadyVoted: 0, other: [] as string[] };
  for (const o of outcomes) {
    if (o.ok) result.ok++;
    else if (o.code === 'already-voted' && told(o).status === 409 && /already voted/.test(told(o).message)) result.alreadyVoted++;
    else result.other.push(JSON.stringify(o));
  }
  return result;
}

for (const kind of dialects()) {
  describe(`concurrent ballots on ${kind}`, () => {
    let h: BallotHarness;
    before(async () => {
      h = await ballotHarness(kind, { elections, now: during });
    });
    after(async () => {
      await h.cleanup();
    });

    test('20 simultaneous casts by one voter through one server store exactly one ballot, with one key derivation', async () => {
      const user = await h.user('voter000');
      const derivationsBefore = h.derivations();
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          h.service.cast({ user, electionKey: 'one', fields: rankInOrder(one), passphrase: `passphrase ${i}`, confirmAbstention: false }),
        ),
      );
      assert.deepEqual(tally(outcomes), { ok: 1, alreadyVoted: 19, other: [] });
      assert.deepEqual(await tableCounts(h.store, 'one'), { voters: 1, ballotRows: 3, ballots: 1 });
      assert.equal(h.derivations() - derivationsBefore, 1, 'the duplicates were refused before deriving');
    });

    test('20 simultaneous casts by one voter through 20 replicas store exactly one ballot (the unique constraint decides)', async () => {
      for (const passphrase of ['', 'a passphrase']) {
        const user = await h.user(passphrase === '' ? 'voter001' : 'voter002');
        const replicas = Array.from({ length: 20 }, () => h.newService());
        const outcomes = await Promise.all(
          replicas.map((s) => s.cast({ user, electionKey: 'one', fields: rankInOrder(one), passphrase, confirmAbstention: false })),
        );
        assert.deepEqual(tally(outcomes), { ok: 1, alreadyVoted: 19, other: [] }, `passphrase "${passphrase}"`);
      }
      assert.deepEqual(await tableCounts(h.store, 'one'), { voters: 3, ballotRows: 9, ballots: 3 });
    });

    test('100 distinct voters casting at once store 100 complete ballots', async () => {
      const users = await Promise.all(logins.slice(0, 100).map((l) => h.user(l)));
      const replicas = Array.from({ length: 4 }, () => h.newService());
      const outcomes = await Promise.all(
        users.map((user, i) =>
          replicas[i % replicas.length]!.cast({
            user,
            electionKey: 'many',
            fields: rankInOrder(many),
            passphrase: i % 3 === 0 ? `secret of ${user.login}` : '',
            confirmAbstention: false,
          }),
        ),
      );
      assert.deepEqual(tally(outcomes), { ok: 100, alreadyVoted: 0, other: [] });
      assert.deepEqual(await tableCounts(h.store, 'many'), { voters: 100, ballotRows: 300, ballots: 100 });
      const links = await h.store.db
        .selectFrom('voter')
        .innerJoin('election', 'election.id', 'voter.election_id')
        .select('voter.salt')
        .where('election.key', '=', 'many')
        .where('voter.salt', 'is not', null)
        .execute();
      assert.equal(links.length, 34, 'a link exactly for the voters who chose a passphrase');
      const report = await checkConsistency(h.store, { electionKey: 'many', candidatesOf: () => ['ann', 'ben', 'cat'] });
      assert.deepEqual(report.elections[0]?.problems, []);
    });

    test('casts racing the end: each is stored before the end, whole, or refused with nothing stored', async () => {
      // A clock that moves 40 ms every time anyone reads it, reaching the end at the 100th
      // reading. The 60 first checks come first (no cast reaches the database before all
      // have started); the end then passes while transactions are reading it before and
      // after their writes, with at most a pool's worth of them in flight.
      let t = end.getTime() - 100 * 40;
      const movingClock = () => new Date((t += 40));
      const replicas = Array.from({ length: 3 }, () => h.newService({ clock: movingClock }));
      const users = await Promise.all(logins.slice(0, 60).map((l) => h.user(l)));
      const outcomes = await Promise.all(
        users.map((user, i) =>
          replicas[i % 3]!.cast({
            user,
            electionKey: 'race',
            fields: rankInOrder(race),
            passphrase: i % 4 === 0 ? 'racing passphrase' : '',
            confirmAbstention: false,
          }),
        ),
      );
      const stored = new Set<string>();
      let refused = 0;
      for (const [i, o] of outcomes.entries()) {
        if (o.ok) stored.add(users[i]!.login);
        else {
          assert.equal(o.code === 'voting-closed' && told(o).status, 403, JSON.stringify(o));
          assert.match(told(o).message, /Voting closed on /);
          refused++;
        }
      }
      assert.ok(stored.size > 0 && refused > 0, `the end fell inside the burst (${stored.size} stored, ${refused} refused)`);
      const rows = await h.store.db
        .selectFrom('voter')
        .innerJoin('user', 'user.id', 'voter.user_id')
        .innerJoin('election', 'election.id', 'voter.election_id')
        .select(['user.username', 'voter.created_at'])
        .where('election.key', '=', 'race')
        .execute();
      assert.deepEqual(new Set(rows.map((r) => r.username)), stored, 'a voter row exactly for each cast reported stored');
      for (const r of rows) assert.ok(fromDbTime(r.created_at)!.getTime() < end.getTime(), 'recorded before the end');
      assert.deepEqual(await tableCounts(h.store, 'race'), { voters: stored.size, ballotRows: stored.size * 3, ballots: stored.size });
    });

    test('the end passing between the check and the write, or during the write, leaves nothing; before both, the ballot is whole', async () => {
      // The service reads the clock three times per cast: the first check, then in the
      // transaction before and after the writes. `k` of those readings fall before the end.
      const outcomes: [number, CastOutcome][] = [];
      for (const k of [1, 2, 3]) {
        let readings = 0;
        const clock = () => new Date(++readings <= k ? end.getTime() - 1000 : end.getTime() + 1000);
        const service = h.newService({ clock });
        const user = await h.user(logins[100 + k]!);
        outcomes.push([
          k,
          await service.cast({
            user,
            electionKey: 'steps',
            fields: rankInOrder(steps),
            passphrase: 'steps passphrase',
            confirmAbstention: false,
          }),
        ]);
      }
      assert.deepEqual(
        outcomes.map(([k, o]) => [k, o.ok || told(o).status]),
        [
          [1, 403],
          [2, 403],
          [3, true],
        ],
      );
      assert.deepEqual(await tableCounts(h.store, 'steps'), { voters: 1, ballotRows: 3, ballots: 1 });
    });

    test('two replicas revoking the same ballot at once: one revokes, the other is refused, nothing is left behind', async () => {
      const user = await h.user('voter110');
      await h.service.cast({ user, electionKey: 'revoke', fields: rankInOrder(one), passphrase: 'revoke me', confirmAbstention: false });
      const [a, b] = [h.newService(), h.newService()];
      const outcomes = await Promise.all([
        a.revoke({ user, electionKey: 'revoke', passphrase: 'revoke me' }),
        b.revoke({ user, electionKey: 'revoke', passphrase: 'revoke me' }),
      ]);
      assert.equal(outcomes.filter((o) => o.ok).length, 1, JSON.stringify(outcomes));
      const loser = outcomes.find((o) => !o.ok);
      // A plain refusal (409: not a limit, not a wrong passphrase): the ballot is already gone.
      assert.equal(loser === undefined ? null : told(loser).status, 409, JSON.stringify(loser));
      assert.deepEqual(await tableCounts(h.store, 'revoke'), { voters: 0, ballotRows: 0, ballots: 0 });
    });

    test('10 simultaneous wrong guesses from 10 replicas: exactly 5 are tried, the rest are rate-limited before any derivation', async () => {
      const user = await h.user('voter111');
      await h.service.cast({
        user,
        electionKey: 'revoke',
        fields: rankInOrder(one),
        passphrase: 'the right one',
        confirmAbstention: false,
      });
      const derivationsBefore = h.derivations();
      const replicas = Array.from({ length: 10 }, () => h.newService());
      const outcomes = await Promise.all(replicas.map((s, i) => s.view({ user, electionKey: 'revoke', passphrase: `wrong ${i}` })));
      const kinds = outcomes.map((o) => (o.ok ? 'ok' : o.code)).sort();
      assert.deepEqual(kinds, [...Array<string>(5).fill('too-many-attempts'), ...Array<string>(5).fill('wrong-passphrase')]);
      assert.equal(h.derivations() - derivationsBefore, 5);
      assert.deepEqual(outcomes.flatMap((o) => (!o.ok && o.code === 'wrong-passphrase' ? [o.attemptsLeft] : [])).sort(), [0, 1, 2, 3, 4]);
    });
  });
}
