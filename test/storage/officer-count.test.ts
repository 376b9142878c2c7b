// The count and the ballot export from stored ballots, on each database: the same
// result as counting the same ballots held in memory, abstentions counted, the CSV
// read back by the tally's own parser giving the same matrix, rows shuffled anew on
// every export, and ballots naming a candidate the election no longer lists refused.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { countElection, UnknownCandidatesError, type ElectionCount, type SchulzeCount } from '../../src/app/officer/countElection.js';
import { answerTo } from '../../src/http/answers.js';
import { exportBallots } from '../../src/app/officer/exportBallots.js';
import { countCsv, NO_OPINION_RANK, tally, tallyBallots } from '../../src/core/tally/index.js';
import type { Store } from '../../src/storage/store.js';
import { dialects, freshStore } from '../helpers/db.js';
import { makeCandidate, makeElection } from '../helpers/meta.js';

/** The Schulze count of an election without governance keys (the only kind this file counts). */
function schulzeOf(count: ElectionCount): SchulzeCount {
  assert.ok(count.method === 'schulze', `a Schulze count, not ${count.method}`);
  return count;
}

const now = new Date('2026-05-10T12:00:00Z');
const IDS = ['eve', 'ada', 'dan', 'bob', 'cyd'];

/** Every permutation of 1..n as ranks. */
function permutations(n: number): number[][] {
  if (n === 1) return [[1]];
  const out: number[][] = [];
  for (const p of permutations(n - 1)) for (let i = 0; i < n; i++) out.push([...p.slice(0, i), n, ...p.slice(i)]);
  return out;
}

/** A deterministic, lopsided set of ballots: every row distinct, some partial, some abstaining. */
function ballotsFor(): { ranks: number[][]; abstentions: number } {
  const ranks: number[][] = [];
  const perms = permutations(5);
  // Favour orders starting with ada so the result is not a tie everywhere.
  for (let i = 0; i < perms.length && ranks.length < 50; i += 2) ranks.push(perms[i]!);
  const others = ['eve', 'dan', 'bob', 'cyd'];
  for (let i = 0; i < 4; i++) ranks.push(IDS.map((id) => (id === 'ada' ? 1 : id === others[i] ? 2 : NO_OPINION_RANK)));
  for (let i = 0; i < 4; i++) ranks.push(IDS.map((id) => (id === 'ada' ? 1 : id === others[i] ? 3 : NO_OPINION_RANK)));
  ranks.push([2, 1, NO_OPINION_RANK, NO_OPINION_RANK, 2]);
  // Abstentions: nothing ranked, everyone equal, a single candidate ranked.
  ranks.push(
    IDS.map(() => NO_OPINION_RANK),
    IDS.map(() => 1),
    [NO_OPINION_RANK, 3, NO_OPINION_RANK, NO_OPINION_RANK, NO_OPINION_RANK],
  );
  return { ranks, abstentions: 3 };
}

async function castAll(store: Store, electionId: number, ranks: number[][], ids = IDS): Promise<void> {
  for (const [i, r] of ranks.entries()) {
    const user = await store.users.recordSignIn({ login: `voter-${electionId}-${i}`, name: null, githubId: null, now });
    await store.transaction((tx) =>
      tx.ballots.cast({
        userId: user.id,
        login: user.login,
        electionId,
        at: now,
        voterId: randomUUID(),
        link: null,
        rows: ids.map((candidate, k) => ({ candidate, rank: r[k]! })),
      }),
    );
  }
}

for (const kind of dialects()) {
  describe(`the count and the export from stored ballots on ${kind}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    const { ranks, abstentions } = ballotsFor();
    // `fay` joined after the ballots were cast: no row on any ballot, so no opinion everywhere.
    const election = makeElection({
      key: 'board',
      noWinners: 2,
      candidates: [...IDS, 'fay'].map((id) => makeCandidate(id, `Name of ${id}`)),
    });
    const csvLines = ranks.map((r) => {
      const byId = new Map(IDS.map((id, k) => [id, r[k]!]));
      return ['ada', 'bob', 'cyd', 'dan', 'eve', 'fay']
        .map((id) => {
          const v = byId.get(id);
          return v === undefined || v === NO_OPINION_RANK ? 'No opinion' : String(v);
        })
        .join(',');
    });

    before(async () => {
      ({ store, cleanup } = await freshStore(kind));
      await castAll(store, await store.elections.ensure('board', 'Board', now), ranks);
    });
    after(async () => {
      await cleanup();
    });

    test('the stored count equals counting the same ballots in memory; abstentions counted', async () => {
      const counted = schulzeOf(await countElection(store, election));
      const ids = ['ada', 'bob', 'cyd', 'dan', 'eve', 'fay'];
      const reference = tallyBallots(
        ids,
        ranks.map((r) => Object.fromEntries(IDS.map((id, k) => [id, r[k] === NO_OPINION_RANK ? null : r[k]]))),
        2,
      );
      assert.deepEqual(counted.result.candidates, ids, 'columns sorted by ID');
      assert.equal(counted.result.ballots, ranks.length);
      assert.deepEqual([...counted.result.d], [...reference.d]);
      assert.deepEqual(counted.result.ranking, reference.ranking);
      assert.deepEqual(counted.result.winners, reference.winners);
      assert.equal(counted.abstentions, abstentions);
      assert.equal(counted.result.seats, 2, 'no_winners');
      assert.equal(counted.names.get('ada'), 'Name of ada');
      assert.equal(schulzeOf(await countElection(store, election, 1)).result.seats, 1);
    });

    test('an election without a database row counts zero ballots', async () => {
      const empty = makeElection({ key: 'never-voted' });
      const counted = schulzeOf(await countElection(store, empty));
      assert.equal(counted.result.ballots, 0);
      assert.deepEqual((await exportBallots(store, empty)).csv, 'ann,ben,cat\r\n');
    });

    test("the CSV: sorted header, one row per ballot as stored, read back by the tally's parser to the same matrix", async () => {
      const exported = await exportBallots(store, election);
      assert.equal(exported.ballots, ranks.length);
      const lines = exported.csv.split('\r\n');
      assert.equal(lines[0], 'ada,bob,cyd,dan,eve,fay');
      assert.equal(lines.pop(), '');
      assert.deepEqual(lines.slice(1).sort(), [...csvLines].sort());
      const parsed = countCsv(exported.csv);
      const fromCsv = tally(parsed.candidates, parsed.counter, 2);
      const stored = schulzeOf(await countElection(store, election)).result;
      assert.deepEqual(fromCsv.candidates, stored.candidates);
      assert.deepEqual([...fromCsv.d], [...stored.d]);
      assert.deepEqual(fromCsv.ranking, stored.ranking);
      assert.deepEqual(fromCsv.winners, stored.winners);
    });

    test("rows come in a fresh random order each time, unrelated to casting order or to the database's order", async () => {
      const a = (await exportBallots(store, election)).csv.split('\r\n').slice(1, -1);
      const b = (await exportBallots(store, election)).csv.split('\r\n').slice(1, -1);
      const row = (await store.elections.findByKey('board'))!;
      const databaseOrder: string[] = [];
      const columns = ['ada', 'bob', 'cyd', 'dan', 'eve', 'fay'];
      for await (const ballot of store.ballots.ballotsOf(row.id)) {
        const m = new Map(ballot.rows.map((r) => [r.candidate, r.rank]));
        databaseOrder.push(
          columns
            .map((id) => {
              const v = m.get(id);
              return v === undefined || v === NO_OPINION_RANK ? 'No opinion' : String(v);
            })
            .join(','),
        );
      }
      // 62 distinct rows: two equal orders by chance are out of the question.
      assert.notDeepEqual(a, b);
      assert.notDeepEqual(a, csvLines, 'not casting order');
      assert.notDeepEqual(a, databaseOrder, 'not the order the database returns');
      assert.deepEqual([...a].sort(), [...b].sort());
    });

    test('ballots ranking a candidate the election no longer lists are refused, naming it', async () => {
      const withoutEve = makeElection({ key: 'board', candidates: ['ada', 'bob', 'cyd', 'dan', 'fay'].map((id) => makeCandidate(id)) });
      await assert.rejects(
        countElection(store, withoutEve),
        (error: unknown) =>
          error instanceof UnknownCandidatesError &&
          error.ids.join() === 'eve' &&
          /Restore its candidate file/.test(answerTo(error.refusal).message),
      );
      await assert.rejects(exportBallots(store, withoutEve), UnknownCandidatesError);
    });
  });
}
