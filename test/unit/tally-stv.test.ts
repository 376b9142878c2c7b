// STV, Scottish rules (SSI 2007/42 schedule 1, rules 45–52): published and hand-counted
// examples stage by stage, the tie rules, caps, ballots with shared ranks, and
// properties (votes are conserved at every stage; with one seat STV elects whom
// instant-runoff elects; no cap is exceeded).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { affiliationKey } from '../../src/core/governance/affiliation.js';
import { drawOrder } from '../../src/core/governance/draw.js';
import { noRules, type SeatRules } from '../../src/core/governance/seats.js';
import {
  STV_SCALE,
  TooManyLotsError,
  ballotsFromOrders,
  countIrv,
  countStv,
  formatStvJson,
  formatStvMarkdown,
  formatStvText,
  rankedBallots,
  votesText,
  type RankedBallots,
  type StvResult,
} from '../../src/core/tally/index.js';
import { mulberry32 } from '../helpers/random.js';

type Orders = [string[], number][];

function stv(candidates: string[], orders: Orders, seats: number, rules: SeatRules = noRules()): StvResult {
  return countStv(ballotsFromOrders(candidates, orders), { seats, rules });
}

const ids = (r: StvResult, list: readonly number[]): string[] => list.map((i) => r.candidates[i] ?? '?');
const votesAt = (r: StvResult, stage: number): Record<string, string> =>
  Object.fromEntries(r.candidates.map((c, i) => [c, votesText(r.stages[stage - 1]?.votes[i] ?? 0)]));

test('Wikipedia\'s food election (Single transferable vote, "Example"): Chocolate, Oranges, Strawberries', () => {
  const r = stv(
    ['Oranges', 'Pears', 'Chocolate', 'Strawberries', 'Hamburgers'],
    [
      [['Oranges'], 4],
      [['Pears', 'Oranges'], 2],
      [['Chocolate', 'Strawberries'], 8],
      [['Chocolate', 'Hamburgers'], 4],
      [['Strawberries'], 1],
      [['Hamburgers'], 1],
    ],
    3,
  );
  assert.equal(r.quota, 6);
  assert.deepEqual(ids(r, r.winners), ['Chocolate', 'Oranges', 'Strawberries']);
  assert.deepEqual(
    r.stages.map((s) => [s.kind, ids(r, s.from), ids(r, s.elected)]),
    [
      ['first', [], ['Chocolate']],
      ['surplus', ['Chocolate'], []],
      ['exclusion', ['Pears'], ['Oranges']],
      ['exclusion', ['Hamburgers'], []],
      ['last-vacancies', [], ['Strawberries']],
    ],
  );
  assert.deepEqual(votesAt(r, 2), { Oranges: '4', Pears: '2', Chocolate: '6', Strawberries: '5', Hamburgers: '3' });
});

test('jklundell/droop test/blt/513.blt, against its Scottish reference dump (513-scotland-fixed-p5-d5)', () => {
  // 5 Castor > Pollux, 1 Pollux, 3 Helen; two seats.
  const r = stv(
    ['Castor', 'Pollux', 'Helen'],
    [
      [['Castor', 'Pollux'], 5],
      [['Pollux'], 1],
      [['Helen'], 3],
    ],
    2,
  );
  assert.equal(r.quota, 4);
  assert.deepEqual(ids(r, r.winners), ['Castor', 'Helen']);
  assert.deepEqual(votesAt(r, 2), { Castor: '4', Pollux: '2', Helen: '3' });
  assert.deepEqual(r.stages[2]?.exhausted, { papers: 6, votes: 2 * STV_SCALE });
});

test('hand count: a transfer value truncated to five places leaves B 0.00002 short of the quota', () => {
  // 25 ballots, 3 seats, quota floor(25/4)+1 = 7. A's surplus 2 of 9: each paper at
  // 2/9 = 0.22222 (rule 48(3): remainder ignored), 9 × 0.22222 = 1.99998 to B.
  const r = stv(
    ['A', 'B', 'C', 'D', 'E'],
    [
      [['A', 'B', 'C'], 9],
      [['B', 'A', 'D'], 5],
      [['C', 'D'], 4],
      [['D', 'C'], 5],
      [['E', 'D'], 2],
    ],
    3,
  );
  assert.equal(r.quota, 7);
  assert.deepEqual(votesAt(r, 1), { A: '9', B: '5', C: '4', D: '5', E: '2' });
  assert.deepEqual(votesAt(r, 2), { A: '7', B: '6.99998', C: '4', D: '5', E: '2' });
  assert.equal(r.stages[1]?.lostToRounding, 2);
  assert.deepEqual(r.stages[1].transfers, [{ to: 1, papers: 9, votes: 199998 }]);
  assert.deepEqual(ids(r, r.stages[1].elected), []);
  assert.deepEqual(votesAt(r, 3), { A: '7', B: '6.99998', C: '4', D: '7', E: '0' });
  assert.deepEqual(ids(r, r.stages[2]?.elected ?? []), ['D']);
  assert.deepEqual(
    [r.stages[3]?.kind, ids(r, r.stages[3]?.from ?? []), r.stages[3]?.exhausted],
    ['exclusion', ['C'], { papers: 4, votes: 4 * STV_SCALE }],
  );
  assert.deepEqual([r.stages[4]?.kind, ids(r, r.stages[4]?.elected ?? [])], ['last-vacancies', ['B']]);
  assert.deepEqual(ids(r, r.winners), ['A', 'D', 'B']);
  // The table's columns add up to the 25 usable ballots, rounding included.
  assert.match(formatStvText(r), /\n {2}Set aside +0 +0 +0 +4 +4\n {2}Rounding +0 +0\.00002 +0\.00002 +0\.00002 +0\.00002\n/);
  assert.match(
    formatStvText(r),
    /2\. Surplus of A \(2 of 9 votes\) transferred, each paper at 2\/9 of its value: B \+1\.99998 \(9 papers\)\. Lost to rounding down to five decimals: 0\.00002\./,
  );
});

test('hand count: a second surplus moves each paper at the value it arrived with (weighted inclusive Gregory)', () => {
  // Quota 7. A: 10 → surplus 3, each paper at 0.3 to B (B = 8, elected). B's surplus 1 of
  // 8: B's own 5 papers at 1 × 1/8 = 0.125 (to D: A is elected), A's 10 papers at
  // 0.3 × 1/8 = 0.0375 (to C).
  const r = stv(
    ['A', 'B', 'C', 'D', 'E'],
    [
      [['A', 'B', 'C'], 10],
      [['B', 'A', 'D'], 5],
      [['C', 'D'], 4],
      [['D', 'C'], 4],
      [['E', 'D'], 2],
    ],
    3,
  );
  assert.deepEqual(votesAt(r, 2), { A: '7', B: '8', C: '4', D: '4', E: '2' });
  assert.deepEqual(votesAt(r, 3), { A: '7', B: '7', C: '4.375', D: '4.625', E: '2' });
  assert.deepEqual(r.stages[2]?.transfers, [
    { to: 2, papers: 10, votes: 37500 },
    { to: 3, papers: 5, votes: 62500 },
  ]);
  assert.deepEqual(votesAt(r, 4), { A: '7', B: '7', C: '4.375', D: '6.625', E: '0' });
  assert.deepEqual(votesAt(r, 5), { A: '7', B: '7', C: '0', D: '10.625', E: '0' });
  assert.deepEqual(r.stages[4]?.exhausted, { papers: 10, votes: 37500 });
  assert.deepEqual(ids(r, r.winners), ['A', 'B', 'D']);
});

test('an exclusion tie goes to the candidate lower at the most recent stage where they differed (rule 51)', () => {
  // Quota 7. After D goes, B and C both have 3: at stage 1 C had 2, B 3, so C goes.
  // Then A and B both have 6: at stage 2 B had 3, so B goes and A fills the seat.
  const r = stv(
    ['A', 'B', 'C', 'D'],
    [
      [['A'], 6],
      [['B'], 3],
      [['C', 'B'], 2],
      [['D', 'C', 'B'], 1],
    ],
    1,
  );
  assert.deepEqual(
    r.stages.map((s) => [s.kind, ids(r, s.from)]),
    [
      ['first', []],
      ['exclusion', ['D']],
      ['exclusion', ['C']],
      ['exclusion', ['B']],
      ['last-vacancies', []],
    ],
  );
  assert.deepEqual(r.stages[2]?.ties, [{ candidates: [1, 2], by: 'earlier-stage', stage: 1 }]);
  assert.deepEqual(r.stages[3]?.ties, [{ candidates: [0, 1], by: 'earlier-stage', stage: 2 }]);
  assert.deepEqual(ids(r, r.winners), ['A']);
  assert.deepEqual(r.lots, []);
  assert.match(formatStvText(r), /B and C were tied; decided by their votes at stage 1, the most recent stage where they differed/);
});

test('equal at every stage: without a tie-break nobody is named; with one, the draw excludes its last', () => {
  const orders: Orders = [
    [['A', 'B'], 2],
    [['B', 'A'], 2],
  ];
  const open = stv(['A', 'B'], orders, 1);
  assert.deepEqual(open.winners, []);
  assert.deepEqual(open.ties, [{ candidates: [0, 1], seats: 1 }]);
  assert.equal(open.lots[0]?.by, 'unbroken');
  assert.match(formatStvText(open), /Tie: A and B contend for 1 seat: who is elected depends on lots nobody has drawn/);
  const tieBreak = { method: 'seeded-hash' as const, seed: 'steering-2026' };
  const draw = drawOrder(tieBreak, ['A', 'B']).map((e) => e.candidate);
  const drawn = stv(['A', 'B'], orders, 1, { ...noRules(), tieBreak });
  assert.deepEqual(ids(drawn, drawn.winners), [draw[0]]);
  assert.deepEqual(drawn.ties, []);
  assert.deepEqual(
    drawn.tieBreak?.draw.map((e) => e.candidate),
    draw,
  );
  assert.equal(drawn.lots[0]?.by, 'draw');
  assert.deepEqual(ids(drawn, [drawn.lots[0].chosen]), [draw[1]]);
  assert.match(formatStvText(drawn), /were tied at every stage; decided by the seeded-hash draw with seed "steering-2026"/);
});

test('a lot that cannot change the outcome names the winner', () => {
  // B and C tie at 1 with no history; either way their ballot gives A the quota.
  const r = stv(
    ['A', 'B', 'C', 'D'],
    [
      [['A'], 3],
      [['B', 'A'], 1],
      [['C', 'A'], 1],
      [['D', 'A'], 2],
    ],
    1,
  );
  assert.deepEqual(ids(r, r.winners), ['A']);
  assert.deepEqual(r.ties, []);
  assert.equal(r.lots.length, 1);
  assert.match(formatStvText(r), /every way the lots could fall elects the same candidates/);
});

test('candidates without votes go together; a lot only picks who stays for the last vacancies', () => {
  // Quota 4 of 6 ballots: C–F have nothing and go together, then G's ballot elects A.
  const many = stv(
    ['A', 'B', 'C', 'D', 'E', 'F', 'G'],
    [
      [['A'], 3],
      [['B'], 2],
      [['G', 'A'], 1],
    ],
    1,
  );
  assert.deepEqual(
    many.stages.map((s) => [s.kind, ids(many, s.from), ids(many, s.elected)]),
    [
      ['first', [], []],
      ['exclusion', ['C', 'D', 'E', 'F'], []],
      ['exclusion', ['G'], ['A']],
    ],
  );
  assert.match(formatStvText(many), /C, D, E and F excluded \(no votes\)/);
  assert.deepEqual(many.lots, []);
  const few = stv(['A', 'B', 'C'], [[['A'], 6]], 2);
  assert.deepEqual(ids(few, few.winners), ['A']);
  assert.deepEqual(few.ties, [{ candidates: [1, 2], seats: 1 }]);
  const none = stv(['A', 'B', 'C'], [], 2);
  assert.deepEqual(none.winners, []);
  assert.deepEqual(none.ties, [{ candidates: [0, 1, 2], seats: 2 }]);
  const tooFew = stv(['A', 'B'], [[['A', 'B'], 3]], 3);
  assert.deepEqual(ids(tooFew, tooFew.winners), ['A', 'B']);
  assert.equal(tooFew.vacantSeats, 1);
});

test('too many undrawn lots to explore asks for a declared tie-break', () => {
  const candidates = ['A', 'B', 'C', 'D', 'E', 'F'];
  const orders: Orders = candidates.map((c) => [[c], 1]);
  assert.throws(() => countStv(ballotsFromOrders(candidates, orders), { seats: 2, maxRuns: 10 }), TooManyLotsError);
  const drawn = countStv(ballotsFromOrders(candidates, orders), {
    seats: 2,
    rules: { ...noRules(), tieBreak: { method: 'seeded-hash', seed: 'x' } },
  });
  assert.equal(drawn.winners.length, 2);
});

test('shared ranks: a shared first preference makes a ballot unusable; a later one ends it', () => {
  const b = rankedBallots(
    ['A', 'B', 'C'],
    [
      [1, 1, 2],
      [1, 2, 2],
      [1, 3, 2],
      [0, 0, 0],
      [2, 0, 5],
    ],
  );
  assert.equal(b.ballots, 5);
  assert.equal(b.ambiguousFirst, 1);
  assert.equal(b.truncated, 1);
  assert.equal(b.empty, 1);
  assert.deepEqual(
    b.lists.map((l) => [...l.prefs]),
    [[0], [0, 2, 1], [0, 2]],
  );
  assert.deepEqual(
    b.lists.map((l) => l.count),
    [1, 1, 1],
  );
  const r = countStv(b, { seats: 1 });
  assert.equal(r.valid, 3);
  assert.match(
    formatStvText(r),
    /5 ballots, 3 usable \(not usable: 1 ranking nobody, 1 with a shared first preference\); 1 ballot read only up to a shared rank/,
  );
});

function capped(affiliations: Record<string, string>, cap: number, continuing: { login: string; affiliation: string }[] = []): SeatRules {
  return { ...noRules(), cap: { kind: 'count', max: cap }, affiliations: new Map(Object.entries(affiliations)), continuing };
}

test('caps: withdrawn before counting when continuing members fill the affiliation', () => {
  const r = stv(
    ['A', 'B', 'C'],
    [
      [['A', 'B'], 5],
      [['B'], 2],
      [['C'], 3],
    ],
    1,
    capped({ A: 'Acme', B: 'Hooli', C: 'Globex' }, 1, [{ login: 'zoe', affiliation: 'acme' }]),
  );
  assert.deepEqual(ids(r, r.stages[0]?.withdrawn ?? []), ['A']);
  assert.deepEqual(votesAt(r, 1), { A: '0', B: '7', C: '3' });
  assert.deepEqual(ids(r, r.winners), ['B']);
  assert.match(formatStvText(r), /Withdrawn before counting, their affiliation already at its limit: A/);
});

test('caps: a colleague is withdrawn once the affiliation is full, and their papers move on', () => {
  // Quota 4 (11 ballots, 2 seats). A (Acme) is elected; B, also Acme, is withdrawn and
  // B's papers reach D, who is elected. Without the cap A's surplus would elect B.
  const r = stv(
    ['A', 'B', 'C', 'D'],
    [
      [['A', 'B'], 5],
      [['B', 'D'], 3],
      [['C'], 2],
      [['D'], 1],
    ],
    2,
    capped({ A: 'Acme', B: 'Acme', C: 'Globex', D: 'Hooli' }, 1),
  );
  assert.deepEqual(
    r.stages.map((s) => [s.kind, ids(r, s.from), ids(r, s.elected)]),
    [
      ['first', [], ['A']],
      ['withdrawal', ['B'], ['D']],
    ],
  );
  assert.deepEqual(votesAt(r, 2), { A: '5', B: '0', C: '2', D: '4' });
  assert.deepEqual(ids(r, r.winners), ['A', 'D']);
  assert.match(
    formatStvText(r),
    /B withdrawn: their affiliation reached its limit of 1; papers transferred at their value: D \+3 \(3 papers\)\. Elected: D \(4\)\./,
  );
  const without = stv(
    ['A', 'B', 'C', 'D'],
    [
      [['A', 'B'], 5],
      [['B', 'D'], 3],
      [['C'], 2],
      [['D'], 1],
    ],
    2,
  );
  assert.deepEqual(ids(without, without.winners), ['A', 'B']);
});

test('caps: the last vacancies are not filled by colleagues beyond the cap (rule 52 waits)', () => {
  // Quota 4 of 12, 3 seats. A is elected; D goes; B and C (both Acme, room for one) are
  // as many as the vacancies, but electing both would break the cap: the count goes on,
  // B and C tie at every stage, and whoever stays is elected with one seat left empty.
  const r = stv(
    ['A', 'B', 'C', 'D'],
    [
      [['A'], 4],
      [['B'], 3],
      [['C'], 3],
      [['D'], 2],
    ],
    3,
    capped({ A: 'Globex', B: 'Acme', C: 'Acme', D: 'Hooli' }, 1),
  );
  assert.deepEqual(ids(r, r.winners), ['A']);
  assert.deepEqual(r.ties, [{ candidates: [1, 2], seats: 1 }]);
  assert.equal(r.vacantSeats, 1);
  assert.deepEqual(
    r.stages.slice(0, 3).map((s) => [s.kind, ids(r, s.from)]),
    [
      ['first', []],
      ['exclusion', ['D']],
      ['exclusion', ['B']],
    ],
  );
});

test('caps: colleagues reaching the quota together are ordered (here by lot) and the other is withdrawn', () => {
  // Quota 2 of 5, 2 seats: B and C (Acme, room for one) both reach it at stage 1.
  const r = stv(
    ['B', 'C', 'D'],
    [
      [['B'], 2],
      [['C'], 2],
      [['D'], 1],
    ],
    2,
    capped({ B: 'Acme', C: 'Acme', D: 'Hooli' }, 1),
  );
  assert.deepEqual(ids(r, r.winners), ['D']);
  assert.deepEqual(r.ties, [{ candidates: [0, 1], seats: 1 }]);
  assert.deepEqual(
    r.lots.map((l) => [l.purpose, ids(r, l.candidates)]),
    [['first', ['B', 'C']]],
  );
  const drawn = stv(
    ['B', 'C', 'D'],
    [
      [['B'], 2],
      [['C'], 2],
      [['D'], 1],
    ],
    2,
    { ...capped({ B: 'Acme', C: 'Acme', D: 'Hooli' }, 1), tieBreak: { method: 'seeded-hash', seed: 'q' } },
  );
  const first = drawOrder({ method: 'seeded-hash', seed: 'q' }, ['B', 'C'])[0]?.candidate;
  assert.deepEqual(ids(drawn, drawn.winners), [first, 'D']);
});

test('text, Markdown and JSON say the same', () => {
  const r = stv(
    ['A', 'B', 'C', 'D', 'E'],
    [
      [['A', 'B', 'C'], 9],
      [['B', 'A', 'D'], 5],
      [['C', 'D'], 4],
      [['D', 'C'], 5],
      [['E', 'D'], 2],
    ],
    3,
  );
  const json = JSON.parse(formatStvJson(r, { A: 'Ann <A>' })) as {
    method: string;
    variant: string;
    winners: string[];
    quota: number;
    stages: { votes: Record<string, number>; text: string; surplus: number | null }[];
    candidates: { id: string; name: string }[];
  };
  assert.equal(json.method, 'stv');
  assert.equal(json.variant, 'scottish-stv-2007');
  assert.deepEqual(json.winners, ['A', 'D', 'B']);
  assert.equal(json.quota, 7);
  assert.equal(json.stages[1]?.votes.B, 6.99998);
  assert.equal(json.stages[1].surplus, 2);
  assert.equal(json.candidates[0]?.name, 'Ann <A>');
  assert.match(json.stages[0]?.text ?? '', /^First preferences: Ann <A> 9, B 5, C 4, D 5, E 2\. Elected: Ann <A> \(9\)\.$/);
  const md = formatStvMarkdown(r, { names: { A: 'Ann <A>' }, title: 'Council' });
  assert.match(md, /^# Council: results/);
  assert.match(md, /\| Ann \\<A\\> \| 9 \| 7 \| 7 \| 7 \| 7 \|/);
  assert.match(formatStvText(r), /Votes at the end of each stage:\n {2}Stage +1 +2 +3 +4 +5\n {2}A +9 +7/);
});

// ---------------------------------------------------------------- properties

function randomBallots(random: () => number, candidates: string[], count: number): RankedBallots {
  const rows: Int32Array[] = [];
  for (let b = 0; b < count; b++) {
    const ranks = new Int32Array(candidates.length);
    const order = [...candidates.keys()].sort(() => random() - 0.5);
    const length = Math.floor(random() * (candidates.length + 1));
    order.slice(0, length).forEach((c, k) => (ranks[c] = random() < 0.1 ? Math.max(1, k) : k + 1));
    rows.push(ranks);
  }
  return rankedBallots(candidates, rows);
}

test('property: at every stage the votes, the papers set aside and the rounding add up to the usable ballots', () => {
  const random = mulberry32(11);
  for (let round = 0; round < 150; round++) {
    const candidates = Array.from({ length: 2 + Math.floor(random() * 6) }, (_, i) => `c${i}`);
    const ballots = randomBallots(random, candidates, 1 + Math.floor(random() * 60));
    const r = countStv(ballots, {
      seats: 1 + Math.floor(random() * 3),
      rules: { ...noRules(), tieBreak: { method: 'seeded-hash', seed: String(round) } },
    });
    let aside = 0;
    for (const s of r.stages) {
      aside += s.exhausted.votes + s.lostToRounding;
      assert.equal(s.votes.reduce((a, b) => a + b, 0) + aside, r.valid * STV_SCALE, `stage ${s.stage}`);
    }
  }
});

test('property: STV with one seat elects whom instant-runoff elects', () => {
  const random = mulberry32(12);
  let decided = 0;
  for (let round = 0; round < 300; round++) {
    const candidates = Array.from({ length: 2 + Math.floor(random() * 5) }, (_, i) => `c${i}`);
    const ballots = randomBallots(random, candidates, Math.floor(random() * 25));
    const s = countStv(ballots, { seats: 1 });
    const i = countIrv(ballots);
    const stvSet = s.winners.length === 1 ? s.winners : (s.ties[0]?.candidates ?? []);
    const irvSet = i.winner === null ? i.tied : [i.winner];
    assert.deepEqual([...stvSet].sort(), [...irvSet].sort(), `round ${round}`);
    if (i.winner !== null) decided++;
    const tieBreak = { method: 'seeded-hash' as const, seed: `r${round}` };
    const drawnStv = countStv(ballots, { seats: 1, rules: { ...noRules(), tieBreak } });
    const drawnIrv = countIrv(ballots, tieBreak);
    if (ballots.lists.length > 0)
      assert.deepEqual(drawnStv.winners, drawnIrv.winner === null ? [] : [drawnIrv.winner], `drawn, round ${round}`);
  }
  assert.ok(decided > 100, `${decided} decided elections`);
});

test('property: STV never seats more of an affiliation than the cap allows', () => {
  const random = mulberry32(13);
  const employers = ['Acme', 'Globex', 'Hooli', 'Initech'];
  for (let round = 0; round < 200; round++) {
    const candidates = Array.from({ length: 2 + Math.floor(random() * 7) }, (_, i) => `c${i}`);
    const affiliations = Object.fromEntries(candidates.map((c) => [c, employers[Math.floor(random() * employers.length)] ?? 'Acme']));
    const continuing = Array.from({ length: Math.floor(random() * 3) }, (_, k) => ({
      login: `m${k}`,
      affiliation: employers[Math.floor(random() * employers.length)] ?? 'Acme',
    }));
    const limit = 1 + Math.floor(random() * 2);
    const seats = 1 + Math.floor(random() * 4);
    const r = countStv(randomBallots(random, candidates, 5 + Math.floor(random() * 40)), {
      seats,
      rules: { ...capped(affiliations, limit, continuing), tieBreak: { method: 'seeded-hash', seed: `${round}` } },
    });
    const held = new Map<string, number>();
    for (const m of continuing) held.set(affiliationKey(m.affiliation) ?? '', (held.get(affiliationKey(m.affiliation) ?? '') ?? 0) + 1);
    const before = new Map(held);
    for (const w of r.winners) {
      const key = affiliationKey(affiliations[candidates[w] ?? ''] ?? null) ?? '';
      held.set(key, (held.get(key) ?? 0) + 1);
    }
    for (const [key, n] of held) assert.ok(n <= Math.max(limit, before.get(key) ?? 0), `round ${round}: ${key} holds ${n} > ${limit}`);
    assert.ok(r.winners.length <= seats);
  }
});
