// The Schulze engine against published examples and against a deliberately naive
// implementation written here from SPEC §7's wording: dictionaries instead of typed
// arrays, and strongest paths found by trying every path rather than Floyd–Warshall.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  NO_OPINION_RANK,
  PairwiseCounter,
  beats,
  StoredBallotCount,
  tally,
  tallyBallots,
  tallyCsv,
  toTallyJson,
  type TallyResult,
} from '../../src/core/tally/index.js';
import { mulberry32 } from '../helpers/random.js';

type Ballot = Record<string, number>; // candidate → rank; absent = no opinion

// ---------------------------------------------------------------- naive reference

interface Naive {
  d: Record<string, Record<string, number>>;
  p: Record<string, Record<string, number>>;
  ranking: string[][];
  winners: string[];
  ties: { candidates: string[]; firstSeat: number; lastSeat: number }[];
}

function naiveSchulze(candidates: string[], ballots: Ballot[], seats: number): Naive {
  // d[X][Y] = ballots preferring X to Y: both ranked, X's rank lower.
  const d: Record<string, Record<string, number>> = {};
  for (const x of candidates) {
    d[x] = {};
    for (const y of candidates) if (x !== y) d[x][y] = 0;
  }
  for (const ballot of ballots) {
    for (const x of Object.keys(ballot)) {
      for (const y of Object.keys(ballot)) {
        if (x !== y && ballot[x]! < ballot[y]!) d[x]![y]!++;
      }
    }
  }
  // A link X→Y exists with strength d[X][Y] when d[X][Y] > d[Y][X]. The strongest
  // path is the best weakest link over every simple path: try them all.
  const link = (x: string, y: string): number => (d[x]![y]! > d[y]![x]! ? d[x]![y]! : 0);
  const p: Record<string, Record<string, number>> = {};
  for (const x of candidates) {
    p[x] = {};
    for (const y of candidates) {
      if (x === y) continue;
      let best = 0;
      const walk = (at: string, weakest: number, seen: Set<string>): void => {
        for (const next of candidates) {
          if (seen.has(next)) continue;
          const strength = link(at, next);
          if (strength === 0) continue;
          const w = Math.min(weakest, strength);
          if (next === y) best = Math.max(best, w);
          else walk(next, w, new Set([...seen, next]));
        }
      };
      walk(x, Infinity, new Set([x]));
      p[x][y] = best;
    }
  }
  const beatenBy = (y: string): number => candidates.filter((x) => x !== y && p[x]![y]! > p[y]![x]!).length;
  const counts = [...new Set(candidates.map(beatenBy))].sort((a, b) => a - b);
  const ranking = counts.map((c) => candidates.filter((x) => beatenBy(x) === c).sort());
  const winners: string[] = [];
  const ties: Naive['ties'] = [];
  for (const group of ranking) {
    const left = seats - winners.length;
    if (left <= 0) break;
    if (group.length <= left) winners.push(...group);
    else {
      ties.push({ candidates: group, firstSeat: winners.length + 1, lastSeat: seats });
      break;
    }
  }
  return { d, p, ranking, winners, ties };
}

// ---------------------------------------------------------------- helpers

function ids(result: TallyResult, indices: number[]): string[] {
  return indices.map((i) => result.candidates[i]!);
}

function rankingIds(result: TallyResult): string[][] {
  return result.ranking.map((g) => ids(result, g));
}

function assertMatchesNaive(candidates: string[], ballots: Ballot[], seats: number, context: string): TallyResult {
  const result = tallyBallots(candidates, ballots, seats);
  const naive = naiveSchulze(candidates, ballots, seats);
  const n = candidates.length;
  candidates.forEach((x, i) => {
    candidates.forEach((y, j) => {
      if (i === j) return;
      assert.equal(result.d[i * n + j], naive.d[x]![y], `${context}: d[${x}][${y}]`);
      assert.equal(result.p[i * n + j], naive.p[x]![y], `${context}: p[${x}][${y}]`);
    });
  });
  assert.deepEqual(
    rankingIds(result).map((g) => [...g].sort()),
    naive.ranking,
    `${context}: ranking`,
  );
  assert.deepEqual([...ids(result, result.winners)].sort(), [...naive.winners].sort(), `${context}: winners`);
  assert.deepEqual(
    result.ties.map((t) => ({ candidates: ids(result, t.candidates).sort(), firstSeat: t.firstSeat, lastSeat: t.lastSeat })),
    naive.ties,
    `${context}: ties`,
  );
  assert.equal(result.ballots, ballots.length);
  return result;
}

/** Expands [count, "ACB"] groups into ballots ranking the letters 1, 2, 3… */
function ordered(groups: [number, string][]): Ballot[] {
  const ballots: Ballot[] = [];
  for (const [count, order] of groups) {
    for (let k = 0; k < count; k++) ballots.push(Object.fromEntries(order.split('').map((c, r) => [c, r + 1])));
  }
  return ballots;
}

function randomElection(random: () => number): { candidates: string[]; ballots: Ballot[]; seats: number } {
  const n = 1 + Math.floor(random() * 6);
  const candidates = Array.from({ length: n }, (_, i) => `c${i}`);
  // A bias towards one candidate makes Condorcet winners and clear orders common;
  // small electorates make cycles and ties common.
  const favourite = Math.floor(random() * n);
  const count = Math.floor(random() * 25);
  const ballots: Ballot[] = [];
  for (let b = 0; b < count; b++) {
    const ballot: Ballot = {};
    for (let i = 0; i < n; i++) {
      if (random() < 0.2) continue; // no opinion
      ballot[candidates[i]!] = i === favourite && random() < 0.4 ? 1 : 1 + Math.floor(random() * n);
    }
    ballots.push(ballot);
  }
  return { candidates, ballots, seats: 1 + Math.floor(random() * (n + 1)) };
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function toCsv(columns: string[], ballots: Ballot[]): string {
  const rows = ballots.map((b) => columns.map((c) => (b[c] === undefined ? 'No opinion' : String(b[c]))).join(','));
  return [columns.join(','), ...rows].join('\n');
}

/** The JSON result with candidates in a canonical order, for comparing runs with different column orders. */
function canonicalJson(result: TallyResult): unknown {
  const json = toTallyJson(result);
  return { ...json, candidates: [...json.candidates].sort((a, b) => (a.id < b.id ? -1 : 1)) };
}

// ---------------------------------------------------------------- published example

// https://en.wikipedia.org/wiki/Schulze_method — the 45-voter example.
const wikipedia = ordered([
  [5, 'ACBED'],
  [5, 'ADECB'],
  [8, 'BEDAC'],
  [3, 'CABED'],
  [7, 'CAEBD'],
  [2, 'CBADE'],
  [7, 'DCEBA'],
  [8, 'EBADC'],
]);

test('the 45-voter Wikipedia example ranks E > A > C > B > D', () => {
  const result = tallyBallots(['A', 'B', 'C', 'D', 'E'], wikipedia);
  assert.deepEqual(rankingIds(result), [['E'], ['A'], ['C'], ['B'], ['D']]);
  assert.deepEqual(ids(result, result.winners), ['E']);
  assert.deepEqual(result.ties, []);
  assert.equal(result.ballots, 45);
});

test('the 45-voter example: the pairwise and strongest-path tables published with it', () => {
  const result = tallyBallots(['A', 'B', 'C', 'D', 'E'], wikipedia);
  // Rows and columns A..E, as printed in the article (diagonal unused).
  const d = [
    [0, 20, 26, 30, 22],
    [25, 0, 16, 33, 18],
    [19, 29, 0, 17, 24],
    [15, 12, 28, 0, 14],
    [23, 27, 21, 31, 0],
  ];
  const p = [
    [0, 28, 28, 30, 24],
    [25, 0, 28, 33, 24],
    [25, 29, 0, 29, 24],
    [25, 28, 28, 0, 24],
    [25, 28, 28, 31, 0],
  ];
  assert.deepEqual([...result.d], d.flat());
  assert.deepEqual([...result.p], p.flat());
});

test('the 45-voter example: each step of the ranking is explained by valid strongest paths', () => {
  const result = tallyBallots(['A', 'B', 'C', 'D', 'E'], wikipedia, 2);
  const json = toTallyJson(result);
  assert.deepEqual(
    json.explanation.adjacent.map((c) => [c.a, c.b, c.outcome]),
    [
      ['E', 'A', 'beats'],
      ['A', 'C', 'beats'],
      ['C', 'B', 'beats'],
      ['B', 'D', 'beats'],
    ],
  );
  const first = json.explanation.adjacent[0]!;
  assert.equal(first.pathAToB.strength, 25);
  assert.equal(first.pathBToA.strength, 24);
  assert.deepEqual([first.aOverB, first.bOverA], [23, 22]);
  // Winners E and A, each against C, B and D.
  assert.deepEqual(
    json.explanation.winners.map((c) => `${c.a}>${c.b}`),
    ['E>C', 'E>B', 'E>D', 'A>C', 'A>B', 'A>D'],
  );
  for (const c of [...json.explanation.adjacent, ...json.explanation.winners]) {
    for (const [path, from, to] of [
      [c.pathAToB, c.a, c.b],
      [c.pathBToA, c.b, c.a],
    ] as const) {
      assert.equal(path.chain[0], from);
      assert.equal(path.chain.at(-1), to);
      assert.equal(new Set(path.chain).size, path.chain.length, 'a chain visits each candidate once');
      // Every link is a head-to-head win, and the weakest one is the path's strength.
      let weakest = Infinity;
      for (let k = 0; k + 1 < path.chain.length; k++) {
        const [x, y] = [path.chain[k]!, path.chain[k + 1]!];
        assert.ok(json.pairwise[x]![y]! > json.pairwise[y]![x]!, `${x}→${y} is a winning link`);
        weakest = Math.min(weakest, json.pairwise[x]![y]!);
      }
      assert.equal(weakest, path.strength);
      assert.equal(json.strongest[from]![to], path.strength);
    }
  }
});

// ---------------------------------------------------------------- no opinion

test('"No opinion" expresses no preference; counting it as last would elect someone else', () => {
  const candidates = ['A', 'B', 'C'];
  const ballots: Ballot[] = [
    ...Array.from({ length: 6 }, () => ({ A: 1 })), // A alone ranked: no opinion on B and C
    ...Array.from({ length: 3 }, () => ({ B: 1, A: 2 })),
    ...Array.from({ length: 2 }, () => ({ B: 1, C: 2, A: 3 })),
  ];
  const result = assertMatchesNaive(candidates, ballots, 1, 'no opinion');
  assert.deepEqual(ids(result, result.winners), ['B']);
  // By hand: only the ballots ranking both count. B over A on 5, A over B on none.
  assert.equal(result.d[1 * 3 + 0], 5);
  assert.equal(result.d[0 * 3 + 1], 0);

  const asLast = ballots.map((b) => Object.fromEntries(candidates.map((c) => [c, b[c] ?? 99])));
  assert.deepEqual(naiveSchulze(candidates, asLast, 1).winners, ['A'], 'the case really distinguishes the two readings');
  assert.deepEqual(ids(tallyBallots(candidates, asLast), tallyBallots(candidates, asLast).winners), ['A']);
});

test('a stored rank of 100000000 (Elekto\'s "No opinion") is no opinion, not a low rank', () => {
  const candidates = ['A', 'B', 'C'];
  const rows = [
    { voter: 'v1', candidate: 'A', rank: 1 },
    { voter: 'v1', candidate: 'B', rank: NO_OPINION_RANK },
    { voter: 'v1', candidate: 'C', rank: NO_OPINION_RANK },
    { voter: 'v2', candidate: 'B', rank: 1 },
    { voter: 'v2', candidate: 'A', rank: 2 },
    { voter: 'v2', candidate: 'C', rank: NO_OPINION_RANK },
  ];
  const count = new StoredBallotCount(candidates);
  for (const voter of ['v1', 'v2']) count.add(rows.filter((r) => r.voter === voter));
  const { counter } = count;
  assert.equal(counter.ballots, 2);
  // v1 ranks A alone: it prefers nobody to anybody, an abstention.
  assert.equal(count.abstentions, 1);
  // Only v2 compares anyone: B over A. v1's A is over nobody.
  assert.deepEqual([...counter.d], [0, 0, 0, 1, 0, 0, 0, 0, 0]);
  const csv = tallyCsv(`A,B,C\n1,${NO_OPINION_RANK},${NO_OPINION_RANK}\n2,1,${NO_OPINION_RANK}\n`);
  assert.deepEqual([...csv.d], [...counter.d]);
});

// ---------------------------------------------------------------- ties and edge cases

test('a three-way cycle of equal strength is a tie, not an arbitrary order', () => {
  const result = assertMatchesNaive(
    ['A', 'B', 'C'],
    ordered([
      [1, 'ABC'],
      [1, 'BCA'],
      [1, 'CAB'],
    ]),
    1,
    'cycle',
  );
  assert.deepEqual(rankingIds(result), [['A', 'B', 'C']]);
  assert.deepEqual(result.winners, []);
  assert.deepEqual(
    result.ties.map((t) => [ids(result, t.candidates), t.firstSeat, t.lastSeat]),
    [[['A', 'B', 'C'], 1, 1]],
  );
  assert.deepEqual(
    toTallyJson(result).explanation.adjacent.map((c) => c.outcome),
    ['tie', 'tie', 'tie'],
  );
});

test('a cycle with one weak link is resolved by the strongest paths', () => {
  const ballots = ordered([
    [5, 'ABC'],
    [3, 'CAB'],
    [4, 'BCA'],
  ]);
  // By hand: d[A][B] = 5+3 = 8, d[B][C] = 5+4 = 9, d[C][A] = 3+4 = 7. Paths: A→B→C is 8
  // against C→A 7, B→C 9 against C→A→B 7, A→B 8 against B→C→A 7: A > B > C.
  const result = assertMatchesNaive(['A', 'B', 'C'], ballots, 1, 'weak cycle');
  assert.deepEqual(rankingIds(result), [['A'], ['B'], ['C']]);
});

test('ballots ranking everyone equal, and ballots with no opinion at all, count but prefer nobody', () => {
  for (const ballot of [{ A: 1, B: 1, C: 1 }, { A: 3, B: 3, C: 3 }, {}] as Ballot[]) {
    const result = assertMatchesNaive(['A', 'B', 'C'], [ballot, ballot, ballot], 2, JSON.stringify(ballot));
    assert.equal(result.ballots, 3);
    assert.ok(result.d.every((v) => v === 0));
    assert.deepEqual(rankingIds(result), [['A', 'B', 'C']]);
    assert.deepEqual(result.winners, []);
    assert.deepEqual(
      result.ties.map((t) => [t.firstSeat, t.lastSeat]),
      [[1, 2]],
    );
  }
});

test('no ballots at all: everyone tied, nobody elected', () => {
  const result = tallyBallots(['x', 'y'], []);
  assert.equal(result.ballots, 0);
  assert.deepEqual(rankingIds(result), [['x', 'y']]);
  assert.deepEqual(result.winners, []);
});

test('one candidate wins with any ballots; extra seats stay vacant', () => {
  const result = tallyBallots(['solo'], [{ solo: 1 }, {}], 1);
  assert.deepEqual(ids(result, result.winners), ['solo']);
  assert.equal(result.ballots, 2);
  const two = tallyBallots(['solo'], [{ solo: 1 }], 2);
  assert.deepEqual(ids(two, two.winners), ['solo']);
  assert.equal(two.vacantSeats, 1);
  assert.deepEqual(two.ties, []);
});

test('no_winners: a tie straddling the last seat is reported and names nobody for that seat', () => {
  // A first, B and C symmetric, D last.
  const ballots = ordered([
    [1, 'ABCD'],
    [1, 'ACBD'],
  ]);
  const one = assertMatchesNaive(['A', 'B', 'C', 'D'], ballots, 1, 'seats=1');
  assert.deepEqual(ids(one, one.winners), ['A']);
  const two = assertMatchesNaive(['A', 'B', 'C', 'D'], ballots, 2, 'seats=2');
  assert.deepEqual(ids(two, two.winners), ['A']);
  assert.deepEqual(
    two.ties.map((t) => [ids(two, t.candidates), t.firstSeat, t.lastSeat]),
    [[['B', 'C'], 2, 2]],
  );
  const three = assertMatchesNaive(['A', 'B', 'C', 'D'], ballots, 3, 'seats=3');
  assert.deepEqual(ids(three, three.winners), ['A', 'B', 'C']);
  assert.deepEqual(three.ties, []);
});

test('a tie can span several seats', () => {
  const blank = tallyBallots(['A', 'B', 'C', 'D'], [], 3);
  assert.deepEqual(blank.winners, []);
  assert.deepEqual(
    blank.ties.map((t) => [t.candidates.length, t.firstSeat, t.lastSeat]),
    [[4, 1, 3]],
  );
  // A first, then B, C, D in an equal cycle: A elected, the cycle ties for seats 2-3.
  const ballots = [
    ...ordered([
      [3, 'ABCD'],
      [3, 'ACDB'],
      [3, 'ADBC'],
    ]),
  ];
  const result = assertMatchesNaive(['A', 'B', 'C', 'D'], ballots, 3, 'cycle behind A');
  assert.deepEqual(ids(result, result.winners), ['A']);
  assert.deepEqual(
    result.ties.map((t) => [ids(result, t.candidates), t.firstSeat, t.lastSeat]),
    [[['B', 'C', 'D'], 2, 3]],
  );
});

test('the counter refuses ranks that are not positive integers, and seats below 1', () => {
  const counter = new PairwiseCounter(2);
  assert.throws(() => counter.addRanks([1, -1]), RangeError);
  assert.throws(() => counter.addRanks([1.5, 1]), RangeError);
  assert.throws(() => counter.addRanks([1]), RangeError);
  assert.throws(() => tally(['a', 'b'], counter, 0), RangeError);
  assert.throws(() => tally(['a', 'a'], counter, 1), RangeError);
  assert.throws(() => tallyBallots(['a', 'b'], [{ a: 1, z: 2 }]), /"z", who is not a candidate/);
});

// ---------------------------------------------------------------- the counter on large fields

/** The pairwise matrix the obvious way: every pair of every ballot. */
function directCount(n: number, ballots: Int32Array[]): Uint32Array {
  const d = new Uint32Array(n * n);
  for (const r of ballots) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (r[i]! > 0 && r[j]! > 0 && r[i]! < r[j]!) d[i * n + j]!++;
      }
    }
  }
  return d;
}

function randomRanks(random: () => number, n: number, spread: number): Int32Array {
  const r = new Int32Array(n);
  for (let i = 0; i < n; i++) r[i] = random() < 0.15 ? 0 : 1 + Math.floor(random() * spread);
  return r;
}

test('property: on fields of 13 to 65 candidates the counter equals a direct count (bit sets, wide ranks, 1 and 3 words)', () => {
  const random = mulberry32(1234);
  for (const n of [13, 20, 31, 32, 33, 50, 63, 64, 65]) {
    // Mostly ranks 1..n; some ballots with ranks far apart, counted pair by pair.
    const ballots = Array.from({ length: 300 }, (_, k) => randomRanks(random, n, k % 7 === 0 ? 50 * n : n));
    const counter = new PairwiseCounter(n);
    for (const b of ballots) counter.addRanks(b);
    assert.deepEqual([...counter.d], [...directCount(n, ballots)], `${n} candidates`);
    assert.equal(counter.ballots, 300);
  }
});

test('the counter stays exact past 65,535 ballots and when d is read while counting', () => {
  const random = mulberry32(77);
  const n = 20;
  const ballots = Array.from({ length: 70_000 }, () => randomRanks(random, n, n));
  const counter = new PairwiseCounter(n);
  ballots.forEach((b, k) => {
    counter.addRanks(b);
    if (k === 1000) assert.deepEqual([...counter.d], [...directCount(n, ballots.slice(0, 1001))]);
  });
  assert.deepEqual([...counter.d], [...directCount(n, ballots)]);
  // Every ballot ranking everyone the same way: each ordered pair counted 70,000 times.
  const same = new PairwiseCounter(3);
  for (let k = 0; k < 70_000; k++) same.addRanks([1, 2, 3]);
  assert.deepEqual([...same.d], [0, 70_000, 70_000, 0, 0, 70_000, 0, 0, 0]);
  const wide = new PairwiseCounter(14);
  const order = Int32Array.from({ length: 14 }, (_, i) => i + 1);
  for (let k = 0; k < 70_000; k++) wide.addRanks(order);
  assert.equal(wide.d[0 * 14 + 13], 70_000);
  assert.equal(wide.d[13 * 14 + 0], 0);
});

// ---------------------------------------------------------------- the counter's paths
// Ballots whose ranks all fit in 0..127 wait in blocks of 2,040 and are counted four
// to a 32-bit word; a ballot with a larger rank goes through the bit sets or pair by
// pair. These tests mix the paths and cross the block and fold boundaries.

/** directCount for ballots given with multiplicities, so large counts stay cheap to check. */
function directCountTimes(n: number, ballots: [times: number, ranks: Int32Array][]): Uint32Array {
  const d = new Uint32Array(n * n);
  for (const [times, r] of ballots) {
    const once = directCount(n, [r]);
    for (let k = 0; k < d.length; k++) d[k]! += times * once[k]!;
  }
  return d;
}

/** Ranks 1..n reshuffled (some at no opinion), then mapped by `scale` so they can be made wide. */
function scaledRanks(random: () => number, n: number, scale: (r: number) => number): Int32Array {
  const r = randomRanks(random, n, n);
  return r.map((v) => (v === 0 ? 0 : scale(v)));
}

test('ranks 127 and 128, and no opinion next to them: exact counts on both paths', () => {
  // Candidates a, b, c, d. Counted by hand: 127 is an ordinary rank, below 1 and 126,
  // level with another 127, and not compared with a candidate left at no opinion.
  const byte = new PairwiseCounter(4);
  byte.addRanks([127, 1, 0, 127]); // b > a, b > d; a = d
  byte.addRanks([126, 127, NO_OPINION_RANK, 0]); // a > b
  byte.addRanks([0, 0, 127, 0]); // nothing
  assert.deepEqual(
    [...byte.d],
    [
      0,
      1,
      0,
      0, // a over b (2nd ballot)
      1,
      0,
      0,
      1, // b over a, b over d (1st)
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
    ],
  );
  // The same ballots shifted by one rank: 128 takes the other path, with the same counts.
  const wide = new PairwiseCounter(4);
  wide.addRanks([128, 2, 0, 128]);
  wide.addRanks([127, 128, NO_OPINION_RANK, 0]);
  wide.addRanks([0, 0, 128, 0]);
  assert.deepEqual([...wide.d], [...byte.d]);
  assert.equal(byte.ballots, 3);
  assert.equal(wide.ballots, 3);
});

test('no opinion in the blocks: 0 and 100000000 are never counted on either side', () => {
  const random = mulberry32(8080);
  for (const n of [2, 5, 17, 40]) {
    const counter = new PairwiseCounter(n);
    const ballots: Int32Array[] = [];
    for (let k = 0; k < 5000; k++) {
      // Half the candidates without an opinion, written either way; ranks up to 127.
      const r = Int32Array.from({ length: n }, () => (random() < 0.5 ? 0 : 1 + Math.floor(random() * 127)));
      const given = r.map((v) => (v === 0 && random() < 0.5 ? NO_OPINION_RANK : v));
      counter.addRanks(given);
      ballots.push(r);
    }
    assert.deepEqual([...counter.d], [...directCount(n, ballots)], `${n} candidates`);
  }
  // Only no opinion: a ballot that counts, but for nobody.
  const empty = new PairwiseCounter(3);
  for (let k = 0; k < 3000; k++) empty.addRanks(k % 2 === 0 ? [0, 0, 0] : [NO_OPINION_RANK, 0, NO_OPINION_RANK]);
  assert.deepEqual([...empty.d], new Array<number>(9).fill(0));
  assert.equal(empty.ballots, 3000);
});

test('d read at any point, inside or at the edge of a block, is exact, and counting goes on', () => {
  const random = mulberry32(2040);
  const n = 9;
  const counter = new PairwiseCounter(n);
  const ballots: Int32Array[] = [];
  const readAt = new Set([1, 2, 3, 4, 5, 2039, 2040, 2041, 2045, 4079, 4080, 4081, 6000]);
  for (let k = 1; k <= 6001; k++) {
    const r = randomRanks(random, n, n);
    counter.addRanks(r);
    ballots.push(r);
    if (readAt.has(k)) {
      assert.deepEqual([...counter.d], [...directCount(n, ballots)], `after ${k} ballots`);
      assert.equal(counter.ballots, k);
    }
  }
  // Reading twice in a row changes nothing.
  assert.deepEqual([...counter.d], [...counter.d]);
});

test('ballots mixing the paths, across block ends and with a refused ballot in between', () => {
  const random = mulberry32(4321);
  // 70 candidates, so both other paths are reached: ranks up to 142 (2n + 2) use the
  // bit sets, ranks spread far apart go pair by pair.
  const n = 70;
  const counter = new PairwiseCounter(n);
  const ballots: Int32Array[] = [];
  for (let k = 0; k < 4500; k++) {
    const kind = k % 5;
    const r =
      kind === 1
        ? scaledRanks(random, n, (v) => 2 * v + 2) // up to 142: bit sets
        : kind === 3
          ? scaledRanks(random, n, (v) => 1000 * v) // pair by pair
          : randomRanks(random, n, n); // bytes
    counter.addRanks(r);
    ballots.push(r);
    if (k === 2100) {
      // A bad rank after many good ones on the same row: refused, nothing of it counted.
      const bad = Float64Array.from(randomRanks(random, n, n));
      bad[n - 1] = 2.5;
      assert.throws(() => counter.addRanks(bad), RangeError);
      const badWide = Float64Array.from(scaledRanks(random, n, (v) => 200 * v));
      badWide[n - 1] = -3;
      assert.throws(() => counter.addRanks(badWide), RangeError);
    }
  }
  assert.deepEqual([...counter.d], [...directCount(n, ballots)]);
  assert.equal(counter.ballots, 4500);
});

test('the byte blocks and the bit sets stay exact past 65,535 ballots on one pair, alone and mixed', () => {
  const random = mulberry32(65536);
  const n = 64;
  // A few distinct ballots, each given many times, so the pair counters of the blocks
  // and of the bit sets pass 2^16 (pair by pair, ballots go straight into d).
  const byteBallot = scaledRanks(random, n, (v) => v);
  const bitsBallot = scaledRanks(random, n, (v) => 2 * v + 2);
  const pairBallot = scaledRanks(random, n, (v) => 5000 * v);
  const everyone = Int32Array.from({ length: n }, (_, i) => 1 + (i % 127));
  const given: [number, Int32Array][] = [
    [65_535, byteBallot],
    [40_000, bitsBallot],
    [3_000, pairBallot],
    [535, everyone],
  ];
  for (const [times, r] of given) {
    const alone = new PairwiseCounter(n);
    for (let k = 0; k < times * 2; k++) alone.addRanks(r);
    assert.deepEqual([...alone.d], [...directCountTimes(n, [[times * 2, r]])]);
  }
  const mixed = new PairwiseCounter(n);
  const order = given.flatMap(([times, r]) => new Array<Int32Array>(times).fill(r));
  for (const r of shuffle(order, random)) mixed.addRanks(r);
  for (const r of order) mixed.addRanks(r);
  assert.deepEqual(
    [...mixed.d],
    [
      ...directCountTimes(
        n,
        given.map(([times, r]) => [times * 2, r]),
      ),
    ],
  );
  assert.equal(mixed.ballots, 2 * order.length);
});

// ---------------------------------------------------------------- properties

test('property: the engine agrees with the naive reference on 400 random elections', () => {
  const random = mulberry32(20240927);
  for (let k = 0; k < 400; k++) {
    const { candidates, ballots, seats } = randomElection(random);
    assertMatchesNaive(candidates, ballots, seats, `election ${k}`);
  }
});

test('property: a Condorcet winner always ranks first, alone', () => {
  const random = mulberry32(7);
  let seen = 0;
  for (let k = 0; k < 600; k++) {
    const { candidates, ballots } = randomElection(random);
    const { d } = naiveSchulze(candidates, ballots, 1);
    const condorcet = candidates.find((x) => candidates.every((y) => x === y || d[x]![y]! > d[y]![x]!));
    if (condorcet === undefined || candidates.length < 2) continue;
    seen++;
    const result = tallyBallots(candidates, ballots);
    assert.deepEqual(rankingIds(result)[0], [condorcet], `election ${k}`);
    assert.deepEqual(ids(result, result.winners), [condorcet]);
  }
  assert.ok(seen > 50, `enough elections had a Condorcet winner (${seen})`);
});

test('property: the beats relation is transitive', () => {
  const random = mulberry32(99);
  for (let k = 0; k < 300; k++) {
    const { candidates, ballots } = randomElection(random);
    const result = tallyBallots(candidates, ballots);
    const n = candidates.length;
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        for (let c = 0; c < n; c++) {
          if (beats(result, a, b) && beats(result, b, c)) assert.ok(beats(result, a, c), `election ${k}: ${a}>${b}>${c}`);
        }
      }
    }
  }
});

test('property: the order of the ballots never changes the result', () => {
  const random = mulberry32(31337);
  for (let k = 0; k < 150; k++) {
    const { candidates, ballots, seats } = randomElection(random);
    const a = tallyBallots(candidates, ballots, seats);
    const b = tallyBallots(candidates, shuffle(ballots, random), seats);
    assert.deepEqual(toTallyJson(b), toTallyJson(a), `election ${k}`);
  }
});

test('property: the order of the CSV columns never changes the result, explanations included', () => {
  const random = mulberry32(4242);
  for (let k = 0; k < 150; k++) {
    const { candidates, ballots, seats } = randomElection(random);
    const a = tallyCsv(toCsv(candidates, ballots), seats);
    const b = tallyCsv(toCsv(shuffle(candidates, random), ballots), seats);
    assert.deepEqual(canonicalJson(b), canonicalJson(a), `election ${k}`);
  }
});

test('property: counting from the CSV equals counting the ballots directly', () => {
  const random = mulberry32(5);
  for (let k = 0; k < 100; k++) {
    const { candidates, ballots, seats } = randomElection(random);
    assert.deepEqual(toTallyJson(tallyCsv(toCsv(candidates, ballots), seats)), toTallyJson(tallyBallots(candidates, ballots, seats)));
  }
});

// ---------------------------------------------------------------- large fields

/**
 * The explanation as defined, one pair at a time: strongest paths by relaxing every
 * link until nothing changes (no Floyd–Warshall), and each chain by its own
 * breadth-first search over the links at least as strong, candidates visited in ID
 * order. This is what the engine computed before it shared searches between chains.
 */
function directExplanation(candidates: string[], ballots: Ballot[], seats: number): { p: number[]; adjacent: string[]; winners: string[] } {
  const n = candidates.length;
  const d = new Array<number>(n * n).fill(0);
  for (const ballot of ballots) {
    candidates.forEach((x, i) => {
      candidates.forEach((y, j) => {
        if (ballot[x] !== undefined && ballot[y] !== undefined && ballot[x] < ballot[y]) d[i * n + j]!++;
      });
    });
  }
  const link = (i: number, j: number): number => (i !== j && d[i * n + j]! > d[j * n + i]! ? d[i * n + j]! : 0);
  const p = Array.from({ length: n * n }, (_, c) => link(Math.floor(c / n), c % n));
  for (let changed = true; changed;) {
    changed = false;
    for (let x = 0; x < n; x++) {
      for (let k = 0; k < n; k++) {
        for (let y = 0; y < n; y++) {
          const via = Math.min(p[x * n + k]!, link(k, y));
          if (x !== y && via > p[x * n + y]!) {
            p[x * n + y] = via;
            changed = true;
          }
        }
      }
    }
  }
  const byId = [...candidates.keys()].sort((i, j) => (candidates[i]! < candidates[j]! ? -1 : 1));
  const chain = (from: number, to: number, strength: number): string => {
    if (strength === 0) return '';
    const previous = new Map<number, number>([[from, from]]);
    const queue = [from];
    for (let head = 0; head < queue.length && !previous.has(to); head++) {
      for (const v of byId) {
        if (!previous.has(v) && link(queue[head]!, v) >= strength) {
          previous.set(v, queue[head]!);
          queue.push(v);
        }
      }
    }
    const path = [to];
    while (path[0] !== from) path.unshift(previous.get(path[0]!)!);
    return path.map((i) => candidates[i]).join('>');
  };
  const describe = (x: number, y: number): string => {
    const [a, b] = p[y * n + x]! > p[x * n + y]! ? [y, x] : [x, y];
    const [ab, ba] = [p[a * n + b]!, p[b * n + a]!];
    return `${candidates[a]} ${ab > ba ? 'beats' : 'ties'} ${candidates[b]}: ${chain(a, b, ab)} [${ab}] / ${chain(b, a, ba)} [${ba}]`;
  };
  const naive = naiveRanking(candidates, p, seats);
  const adjacent: string[] = [];
  naive.ranking.forEach((group, g) => {
    for (let i = 0; i < group.length; i++) for (let j = i + 1; j < group.length; j++) adjacent.push(describe(group[i]!, group[j]!));
    for (const x of group) for (const y of naive.ranking[g + 1] ?? []) adjacent.push(describe(x, y));
  });
  const others = naive.ranking.flat().filter((x) => !naive.winners.includes(x));
  return { p, adjacent, winners: naive.winners.flatMap((w) => others.map((x) => describe(w, x))) };
}

/** Ranking groups (IDs sorted inside) and winners from a strongest-path matrix, by index. */
function naiveRanking(candidates: string[], p: number[], seats: number): { ranking: number[][]; winners: number[] } {
  const n = candidates.length;
  const beatenBy = (y: number): number => [...candidates.keys()].filter((x) => x !== y && p[x * n + y]! > p[y * n + x]!).length;
  const counts = [...new Set([...candidates.keys()].map(beatenBy))].sort((a, b) => a - b);
  const ranking = counts.map((c) =>
    [...candidates.keys()].filter((x) => beatenBy(x) === c).sort((i, j) => (candidates[i]! < candidates[j]! ? -1 : 1)),
  );
  const winners: number[] = [];
  for (const group of ranking) {
    if (winners.length + group.length > seats) break;
    winners.push(...group);
  }
  return { ranking, winners };
}

function describeResult(result: TallyResult): { p: number[]; adjacent: string[]; winners: string[] } {
  const json = toTallyJson(result);
  const describe = (c: (typeof json.explanation.adjacent)[number]): string =>
    `${c.a} ${c.outcome === 'beats' ? 'beats' : 'ties'} ${c.b}: ${c.pathAToB.chain.join('>')} [${c.pathAToB.strength}] / ${c.pathBToA.chain.join('>')} [${c.pathBToA.strength}]`;
  return { p: [...result.p], adjacent: json.explanation.adjacent.map(describe), winners: json.explanation.winners.map(describe) };
}

test('property: on fields of up to 60 candidates, strongest paths and every explanation equal a direct search, pair by pair', () => {
  const random = mulberry32(1000);
  let largeTies = 0;
  for (let k = 0; k < 60; k++) {
    const n = 2 + Math.floor(random() * 59);
    // IDs not in column order, so the search order (by ID) differs from the indices.
    const candidates = shuffle(
      Array.from({ length: n }, (_, i) => `c${String(i).padStart(2, '0')}`),
      random,
    );
    // Few ballots make large tied groups (and many equally strong chains); more make long orders.
    const count = random() < 0.5 ? 1 + Math.floor(random() * 6) : 20 + Math.floor(random() * 60);
    const spread = 1 + Math.floor(random() * n);
    const ballots: Ballot[] = Array.from({ length: count }, () => {
      const ballot: Ballot = {};
      for (const c of candidates) if (random() < 0.7) ballot[c] = 1 + Math.floor(random() * spread);
      return ballot;
    });
    const seats = 1 + Math.floor(random() * 3);
    const result = tallyBallots(candidates, ballots, seats);
    if (result.ranking.some((g) => g.length >= 10)) largeTies++;
    assert.deepEqual(
      describeResult(result),
      directExplanation(candidates, ballots, seats),
      `election ${k} (${n} candidates, ${count} ballots)`,
    );
  }
  assert.ok(largeTies >= 5, `enough elections had a tied group of 10 or more (${largeTies})`);
});
