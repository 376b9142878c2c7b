// The informational alternatives shown beside a Schulze count: ranked pairs and
// instant-runoff on the same ballots, checked on the Tennessee example (where they
// famously disagree: Nashville for the Condorcet methods, Knoxville for instant-runoff).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  alternatives,
  alternativesJson,
  ballotsFromOrders,
  countIrv,
  describeAlternatives,
  rankedPairs,
  tallyBallots,
  type RankedBallots,
} from '../../src/core/tally/index.js';

const CITIES = ['memphis', 'nashville', 'chattanooga', 'knoxville'];

// The Tennessee example: 42 Memphis > Nashville > Chattanooga > Knoxville; 26 Nashville >
// Chattanooga > Knoxville > Memphis; 15 Chattanooga > Knoxville > Nashville > Memphis;
// 17 Knoxville > Chattanooga > Nashville > Memphis (Wikipedia, "Tennessee example").
const GROUPS: [string[], number][] = [
  [['memphis', 'nashville', 'chattanooga', 'knoxville'], 42],
  [['nashville', 'chattanooga', 'knoxville', 'memphis'], 26],
  [['chattanooga', 'knoxville', 'nashville', 'memphis'], 15],
  [['knoxville', 'chattanooga', 'nashville', 'memphis'], 17],
];

function tennessee(): { ballots: RankedBallots; ranks: Record<string, number>[] } {
  const ranks: Record<string, number>[] = [];
  for (const [order, n] of GROUPS) for (let i = 0; i < n; i++) ranks.push(Object.fromEntries(order.map((c, k) => [c, k + 1])));
  return { ballots: ballotsFromOrders(CITIES, GROUPS), ranks };
}

test('Tennessee: Schulze and ranked pairs elect Nashville, instant-runoff Knoxville', () => {
  const { ballots, ranks } = tennessee();
  const schulze = tallyBallots(CITIES, ranks, 1);
  assert.deepEqual(
    schulze.winners.map((i) => CITIES[i]),
    ['nashville'],
  );
  const alt = alternatives(schulze, ballots);
  assert.equal(alt.informational, true);
  assert.deepEqual(
    alt.rankedPairs.ranking.map((g) => g.map((i) => CITIES[i])),
    [['nashville'], ['chattanooga'], ['knoxville'], ['memphis']],
  );
  assert.ok(alt.rankedPairs.pairs.every((p) => p.locked));
  assert.equal(alt.rankedPairs.tieOrderMattered, false);
  const irv = alt.instantRunoff;
  assert.equal(CITIES[irv.winner ?? -1], 'knoxville');
  assert.deepEqual(
    irv.rounds.map((r) => r.votes),
    [
      [42, 26, 15, 17],
      [42, 26, 0, 32],
      [42, 0, 0, 58],
    ],
  );
  assert.deepEqual(
    irv.rounds.map((r) => r.excluded.map((i) => CITIES[i])),
    [['chattanooga'], ['nashville'], []],
  );
  const lines = describeAlternatives(alt);
  assert.deepEqual(lines, [
    'Ranked pairs (Tideman): nashville > chattanooga > knoxville > memphis. 6 head-to-head victories taken strongest first; none skipped for closing a cycle.',
    'Instant-runoff: knoxville wins in round 3 with 58 of 100 ballots still counting (excluded in turn: chattanooga, nashville); 100 of 100 ballots usable.',
    'These are for information only: the election is decided by its own method.',
  ]);
  const json = alternativesJson(alt);
  assert.equal(json.instantRunoff.winner, 'knoxville');
  assert.deepEqual(json.rankedPairs.ranking, [['nashville'], ['chattanooga'], ['knoxville'], ['memphis']]);
});

test('ranked pairs skips the weakest victory of a cycle', () => {
  // d: a beats b 8–2, b beats c 7–3, c beats a 6–4: lock a>b, b>c, skip c>a.
  const d = [0, 8, 4, 2, 0, 7, 6, 3, 0];
  const r = rankedPairs(['a', 'b', 'c'], d);
  assert.deepEqual(
    r.pairs.map((p) => [p.winner, p.loser, p.locked]),
    [
      [0, 1, true],
      [1, 2, true],
      [2, 0, false],
    ],
  );
  assert.deepEqual(r.ranking, [[0], [1], [2]]);
  assert.equal(r.tieOrderMattered, false);
});

test('ranked pairs: equally strong victories in a cycle are ordered by a stated rule, and it says so', () => {
  const d = [0, 5, 4, 4, 0, 5, 5, 4, 0]; // a>b, b>c, c>a, all 5–4
  const byId = rankedPairs(['a', 'b', 'c'], d);
  assert.equal(byId.tieOrder, 'candidate-id');
  assert.equal(byId.tieOrderMattered, true);
  assert.deepEqual(byId.ranking, [[0], [1], [2]]);
  const drawn = rankedPairs(['a', 'b', 'c'], d, { method: 'seeded-hash', seed: 'x' });
  assert.equal(drawn.tieOrder, 'draw');
  assert.equal(drawn.tieOrderMattered, true);
  assert.match(
    describeAlternatives({ informational: true, rankedPairs: byId, instantRunoff: countIrv(ballotsFromOrders(['a', 'b', 'c'], [])) })[0] ??
      '',
    /ordered by candidate ID, and that order mattered/,
  );
  // No victories at all (every head to head tied): one group.
  assert.deepEqual(rankedPairs(['a', 'b'], [0, 3, 3, 0]).ranking, [[0, 1]]);
});

test('instant-runoff ties: decided by an earlier round, else every outcome counted, else the draw', () => {
  const earlier = countIrv(
    ballotsFromOrders(
      ['a', 'b', 'c', 'd'],
      [
        [['a'], 5],
        [['b'], 3],
        [['c', 'b'], 2],
        [['d', 'c'], 1],
      ],
    ),
  );
  assert.deepEqual(earlier.rounds[1]?.tie, { candidates: [1, 2], by: 'earlier-round', round: 1 });
  assert.equal(earlier.winner, 0);
  const open = countIrv(
    ballotsFromOrders(
      ['a', 'b'],
      [
        [['a'], 2],
        [['b'], 2],
      ],
    ),
  );
  assert.equal(open.winner, null);
  assert.deepEqual(open.tied, [0, 1]);
  const drawn = countIrv(
    ballotsFromOrders(
      ['a', 'b'],
      [
        [['a'], 2],
        [['b'], 2],
      ],
    ),
    { method: 'seeded-hash', seed: 'x' },
  );
  assert.ok(drawn.winner === 0 || drawn.winner === 1);
  assert.deepEqual(countIrv(ballotsFromOrders(['a', 'b'], [])).tied, [0, 1]);
  assert.match(
    describeAlternatives({ informational: true, rankedPairs: rankedPairs(['a', 'b'], [0, 2, 2, 0]), instantRunoff: open })[1] ?? '',
    /no single winner: a and b tie \(it depends on a lot nobody drew\)/,
  );
});

test('the alternatives refuse ballots of other candidates than the count', () => {
  const schulze = tallyBallots(['a', 'b'], [{ a: 1, b: 2 }]);
  assert.throws(() => alternatives(schulze, ballotsFromOrders(['b', 'a'], [])), /different candidates/);
});
