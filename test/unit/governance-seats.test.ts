// Seating under the election's rules: caps with continuing members, both readings of
// "a maximum of one-third", ties at the seat boundary with and without a declared
// draw, the Kubernetes cap on a realistic result, the Paketo-style 5–5 tie, and
// properties over random elections (no cap is ever exceeded; without rules the seats
// are exactly plain Schulze's).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeSeating } from '../../src/core/governance/describe.js';
import { drawDigest, drawOrder } from '../../src/core/governance/draw.js';
import { affiliationKey } from '../../src/core/governance/affiliation.js';
import { capLimit, type AffiliationCap, type ContinuingMember } from '../../src/core/governance/rules.js';
import { governSchulze } from '../../src/core/governance/schulze.js';
import { noRules, seatCandidates, type SeatRules, type Seating } from '../../src/core/governance/seats.js';
import { fillSeats, tallyBallots } from '../../src/core/tally/index.js';
import { mulberry32 } from '../helpers/random.js';

function rules(affiliations: Record<string, string | null>, extra: Partial<SeatRules> = {}): SeatRules {
  return { ...noRules(), affiliations: new Map(Object.entries(affiliations)), ...extra };
}

const count = (max: number): AffiliationCap => ({ kind: 'count', max });
const third = (bound: 'at-most' | 'less-than' = 'at-most'): AffiliationCap => ({ kind: 'fraction', numerator: 1, denominator: 3, bound });

test('the cap skips a candidate whose affiliation is full, counting continuing members', () => {
  const s = seatCandidates(
    [['a'], ['b'], ['c'], ['d']],
    3,
    rules({ a: 'Acme', b: 'acme ', c: 'Acme', d: 'Initech' }, { cap: count(2), continuing: [{ login: 'zoe', affiliation: 'ACME' }] }),
  );
  assert.deepEqual(s.winners, ['a', 'd']);
  assert.deepEqual(
    s.skipped.map((k) => [k.candidate, k.place, k.holders]),
    [
      ['b', 2, ['zoe', 'a']],
      ['c', 3, ['zoe', 'a']],
    ],
  );
  assert.equal(s.vacantSeats, 1);
  assert.deepEqual(s.cap, {
    cap: count(2),
    body: 4,
    limit: 2,
    held: [
      { affiliation: 'ACME', members: ['zoe', 'a'] },
      { affiliation: 'Initech', members: ['d'] },
    ],
  });
  const lines = describeSeating(s, (id) => id.toUpperCase());
  assert.ok(lines.includes('Skipped B (place 2, acme): acme already holds 2 of at most 2 (zoe and A).'), lines.join('\n'));
  assert.ok(lines.includes('1 seat cannot be filled: every candidate left is of an affiliation at its limit.'));
});

test('candidates and members without an affiliation are never capped', () => {
  const s = seatCandidates(
    [['a'], ['b'], ['c']],
    3,
    rules(
      { a: 'Independent', b: null, c: '' },
      {
        cap: count(1),
        continuing: [
          { login: 'zoe', affiliation: null },
          { login: 'yan', affiliation: 'none' },
        ],
      },
    ),
  );
  assert.deepEqual(s.winners, ['a', 'b', 'c']);
  assert.deepEqual(s.skipped, []);
});

test('at most one-third and less than one-third seat differently when the body is a multiple of three', () => {
  // 6 seats + 3 continuing = 9: at most 1/3 allows 3 per affiliation, less than 1/3 allows 2.
  const continuing: ContinuingMember[] = [
    { login: 'm1', affiliation: 'Acme' },
    { login: 'm2', affiliation: 'Globex' },
    { login: 'm3', affiliation: 'Hooli' },
  ];
  const ranking = [['a1'], ['a2'], ['a3'], ['g1'], ['g2'], ['h1'], ['i1'], ['i2'], ['i3'], ['j1']];
  const aff = {
    a1: 'Acme',
    a2: 'Acme',
    a3: 'Acme',
    g1: 'Globex',
    g2: 'Globex',
    h1: 'Hooli',
    i1: 'Initech',
    i2: 'Initech',
    i3: 'Initech',
    j1: 'Jupiter',
  };
  const most = seatCandidates(ranking, 6, rules(aff, { cap: third('at-most'), continuing }));
  const less = seatCandidates(ranking, 6, rules(aff, { cap: third('less-than'), continuing }));
  assert.equal(most.cap?.limit, 3);
  assert.equal(less.cap?.limit, 2);
  assert.deepEqual(most.winners, ['a1', 'a2', 'g1', 'g2', 'h1', 'i1']);
  assert.deepEqual(less.winners, ['a1', 'g1', 'h1', 'i1', 'i2', 'j1']);
  assert.deepEqual(
    less.skipped.map((k) => k.candidate),
    ['a2', 'a3', 'g2', 'i3'],
  );
  assert.deepEqual(
    most.skipped.map((k) => k.candidate),
    ['a3'],
  );
  // A body of 7 (Kubernetes' steering committee) reads the same either way: 2.
  assert.equal(seatCandidates(ranking, 4, rules(aff, { cap: third('at-most'), continuing })).cap?.limit, 2);
  assert.equal(seatCandidates(ranking, 4, rules(aff, { cap: third('less-than'), continuing })).cap?.limit, 2);
});

// Ties at the seat boundary: [name, ranking, seats, affiliations, cap room via continuing, expected winners, expected ties]
test('a tied group that fits is seated whole; one that does not is a tie with no winner named', () => {
  const r = rules({ a: 'X', b: 'Y', c: 'Z', d: 'W' });
  assert.deepEqual(seatCandidates([['a'], ['b', 'c'], ['d']], 3, r).winners, ['a', 'b', 'c']);
  const s = seatCandidates([['a'], ['b', 'c'], ['d']], 2, r);
  assert.deepEqual(s.winners, ['a']);
  assert.deepEqual(s.ties, [{ candidates: ['b', 'c'], firstSeat: 2, lastSeat: 2, reason: 'ranking' }]);
  assert.equal(s.vacantSeats, 0);
});

test('colleagues tied for the one seat their employer may still hold: a tie for that seat, and the count goes on', () => {
  const r = rules({ a: 'Acme', b: 'Acme', c: 'Globex', d: 'Hooli' }, { cap: count(1) });
  const s = seatCandidates([['a', 'b', 'c'], ['d']], 3, r);
  assert.deepEqual(s.winners, ['c', 'd']);
  assert.deepEqual(s.ties, [{ candidates: ['a', 'b'], firstSeat: 2, lastSeat: 2, reason: 'cap', affiliation: 'Acme' }]);
  // The reserved seat counts for Acme: a later Acme candidate is skipped, with the undecided seat said.
  const later = seatCandidates([['a', 'b'], ['e'], ['d']], 3, rules({ a: 'Acme', b: 'Acme', e: 'acme', d: 'Hooli' }, { cap: count(1) }));
  assert.deepEqual(later.winners, ['d']);
  assert.deepEqual(
    later.skipped.map((k) => [k.candidate, k.undecided]),
    [['e', 1]],
  );
  assert.equal(later.vacantSeats, 1);
  assert.ok(
    describeSeating(later, (x) => x).some((l) => l === 'Skipped e (place 3, acme): acme already holds 1 of at most 1 (1 seat still tied).'),
  );
});

test('when the cap and the seats left both bind, every remaining seat is tied (nothing later depends on no one)', () => {
  const r = rules({ a: 'Acme', b: 'Acme', c: 'Globex', d: 'Hooli', e: 'Initech' }, { cap: count(1) });
  const s = seatCandidates([['e'], ['a', 'b', 'c', 'd']], 3, r);
  assert.deepEqual(s.winners, ['e']);
  assert.deepEqual(s.ties, [{ candidates: ['a', 'b', 'c', 'd'], firstSeat: 2, lastSeat: 3, reason: 'ranking' }]);
});

test('with a declared draw, a tie is broken in draw order and the cap still applies after it', () => {
  const tieBreak = { method: 'seeded-hash' as const, seed: 'board-2026' };
  const order = drawOrder(tieBreak, ['a', 'b', 'c']).map((e) => e.candidate);
  const r = rules({ a: 'Acme', b: 'Acme', c: 'Acme', d: 'Hooli' }, { cap: count(1), tieBreak });
  const s = seatCandidates([['a', 'b', 'c'], ['d']], 2, r);
  assert.deepEqual(s.winners, [order[0], 'd']);
  assert.equal(s.tieBreaks.length, 1);
  assert.deepEqual(s.tieBreaks[0]!.elected, [order[0]]);
  assert.deepEqual(
    s.tieBreaks[0]!.use.draw.map((e) => e.candidate),
    order,
  );
  assert.deepEqual(
    s.skipped.map((k) => [k.candidate, k.afterDraw]),
    [
      [order[1], true],
      [order[2], true],
    ],
  );
  assert.deepEqual(s.ties, []);
  const text = describeSeating(s, (x) => x).join('\n');
  assert.match(text, new RegExp(`Tie broken: a, b and c were tied; seeded-hash draw with seed "board-2026": ${order[0] ?? ''} \\(`));
  assert.match(text, /after the draw seated a colleague first/);
});

test('a draw is only used when it matters', () => {
  const tieBreak = { method: 'seeded-hash' as const, seed: 's' };
  const s = seatCandidates([['a', 'b'], ['c']], 2, rules({}, { tieBreak }));
  assert.deepEqual(s.winners, ['a', 'b']);
  assert.deepEqual(s.tieBreaks, []);
  assert.deepEqual(
    describeSeating(s, (x) => x),
    [],
  );
});

test('the draw is SHA-256 of seed, newline, ID: the digests sha256sum prints', () => {
  // printf '%s\n%s' paketo-steering-2026 forest | sha256sum  (GNU coreutils 9)
  assert.equal(drawDigest('paketo-steering-2026', 'forest'), '6864e582c4598a63bf174fbde7ef428633951e94856d11103408ccde989b9b19');
  assert.equal(drawDigest('paketo-steering-2026', 'sophie'), 'bece0361a11cd044e93f39f52d07973d80fecec39a728fd641e8e57ab06ac539');
  assert.deepEqual(
    drawOrder({ method: 'seeded-hash', seed: 'paketo-steering-2026' }, ['sophie', 'forest']).map((e) => e.candidate),
    ['forest', 'sophie'],
  );
});

// The Paketo-style tie: 10 ballots, 3 seats; ana and ben are clear, forest and sophie
// tie 5–5 head to head and are beaten by the same candidates, so they tie for seat 3.
function paketoBallots(): Record<string, number>[] {
  const ballots: Record<string, number>[] = [];
  for (let i = 0; i < 5; i++) ballots.push({ ana: 1, ben: 2, forest: 3, sophie: 4, tom: 5 });
  for (let i = 0; i < 5; i++) ballots.push({ ben: 1, ana: 2, sophie: 3, forest: 4, tom: 5 });
  return ballots;
}

test('the Paketo-style 5–5 tie: reported without a seed, broken by the declared seed', () => {
  const result = tallyBallots(['ana', 'ben', 'forest', 'sophie', 'tom'], paketoBallots(), 3);
  assert.deepEqual(
    result.ties.map((t) => t.candidates.map((i) => result.candidates[i])),
    [['forest', 'sophie']],
  );
  const plain = governSchulze(result, noRules());
  assert.equal(plain.result, result);
  const seeded = governSchulze(result, { ...noRules(), tieBreak: { method: 'seeded-hash', seed: 'paketo-steering-2026' } });
  assert.deepEqual(seeded.seating.winners.sort(), ['ana', 'ben', 'forest']);
  assert.deepEqual(seeded.result.winners.map((i) => result.candidates[i]).sort(), ['ana', 'ben', 'forest']);
  assert.deepEqual(seeded.result.ties, []);
  assert.deepEqual(
    seeded.seating.tieBreaks.map((t) => [t.candidates, t.elected, t.firstSeat, t.lastSeat]),
    [[['forest', 'sophie'], ['forest'], 3, 3]],
  );
  // The comparisons follow the seats: forest is now a winner compared with sophie and tom.
  assert.ok(seeded.result.explanation.winners.some((c) => result.candidates[c.a] === 'forest' || result.candidates[c.b] === 'forest'));
  // Another seed may name the other candidate: the draw, not the order of the IDs, decides.
  const winnerFor = (seed: string): string | undefined =>
    governSchulze(result, { ...noRules(), tieBreak: { method: 'seeded-hash', seed } }).seating.tieBreaks[0]?.elected[0];
  const outcomes = new Set(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map(winnerFor));
  assert.deepEqual([...outcomes].sort(), ['forest', 'sophie']);
});

// A steering committee of seven: four seats up, three continuing members. Employers and
// ballots are invented but shaped like a real result: two of the top three work for
// one company whose continuing member already holds a seat.
test('the Kubernetes cap on a realistic result: the next eligible candidate is seated and the skip explained', () => {
  const candidates = ['aiko', 'bram', 'chen', 'dara', 'eli', 'fatima', 'gus'];
  const employer: Record<string, string> = {
    aiko: 'Google',
    bram: 'Red Hat',
    chen: 'google',
    dara: 'Microsoft',
    eli: 'VMware',
    fatima: 'Independent',
    gus: 'Google',
  };
  const order = ['aiko', 'bram', 'chen', 'dara', 'eli', 'fatima', 'gus'];
  const ballots: Record<string, number>[] = [];
  // 60 ballots mostly agreeing with `order`, a few with the last two swapped.
  for (let i = 0; i < 60; i++) {
    const ranks: Record<string, number> = {};
    order.forEach((c, k) => (ranks[c] = k + 1));
    if (i % 4 === 0) [ranks.eli, ranks.fatima] = [ranks.fatima ?? 0, ranks.eli ?? 0];
    if (i % 5 === 0) delete ranks.gus; // no opinion
    ballots.push(ranks);
  }
  const result = tallyBallots(candidates, ballots, 4);
  assert.deepEqual(
    result.ranking.map((g) => g.map((i) => candidates[i])),
    order.map((c) => [c]),
  );
  assert.deepEqual(
    result.winners.map((i) => candidates[i]),
    ['aiko', 'bram', 'chen', 'dara'],
  );
  const continuing = [
    { login: 'cm-google', affiliation: 'Google' },
    { login: 'cm-vmware', affiliation: 'VMware' },
    { login: 'cm-suse', affiliation: 'SUSE' },
  ];
  const { result: seated, seating } = governSchulze(result, rules(employer, { cap: third(), continuing }));
  assert.equal(seating.cap?.limit, 2);
  assert.deepEqual(seating.winners, ['aiko', 'bram', 'dara', 'eli']);
  assert.deepEqual(
    seated.winners.map((i) => candidates[i]),
    ['aiko', 'bram', 'dara', 'eli'],
  );
  assert.deepEqual(
    seating.skipped.map((k) => [k.candidate, k.place, k.holders]),
    [['chen', 3, ['cm-google', 'aiko']]],
  );
  const lines = describeSeating(seating, (id) => id);
  assert.deepEqual(lines.slice(0, 2), [
    'Cap: at most 1/3 of the body per affiliation; the body has 7 members (4 seats + 3 continuing), so each affiliation may hold 2.',
    'Skipped chen (place 3, google): google already holds 2 of at most 2 (cm-google and aiko).',
  ]);
  // The count itself is untouched: same ranking, matrix and paths.
  assert.deepEqual(seated.ranking, result.ranking);
  assert.equal(seated.d, result.d);
});

// ---------------------------------------------------------------- properties

function randomRanking(random: () => number, ids: string[]): string[][] {
  const groups: string[][] = [];
  for (const id of [...ids].sort(() => random() - 0.5)) {
    if (groups.length > 0 && random() < 0.35) groups[groups.length - 1]?.push(id);
    else groups.push([id]);
  }
  return groups.map((g) => g.sort());
}

function checkCap(s: Seating, r: SeatRules): void {
  if (s.cap === null) return;
  const held = new Map<string, number>();
  for (const m of r.continuing) {
    const k = affiliationKey(m.affiliation);
    if (k !== null) held.set(k, (held.get(k) ?? 0) + 1);
  }
  const before = new Map(held);
  for (const w of s.winners) {
    const k = affiliationKey(r.affiliations.get(w));
    if (k !== null) held.set(k, (held.get(k) ?? 0) + 1);
  }
  for (const t of s.ties.filter((x) => x.reason === 'cap')) {
    const k = affiliationKey(r.affiliations.get(t.candidates[0] ?? ''));
    if (k !== null) held.set(k, (held.get(k) ?? 0) + t.lastSeat - t.firstSeat + 1);
  }
  for (const [k, n] of held) {
    // Continuing members alone may exceed the limit; then nobody more of them is seated.
    assert.ok(n <= Math.max(s.cap.limit, before.get(k) ?? 0), `${k} holds ${n} > ${s.cap.limit}`);
  }
}

test('property: without rules the seats are exactly plain Schulze seating', () => {
  const random = mulberry32(1);
  for (let round = 0; round < 400; round++) {
    const ids = Array.from({ length: 1 + Math.floor(random() * 8) }, (_, i) => `c${i}`);
    const ranking = randomRanking(random, ids);
    const seats = 1 + Math.floor(random() * 6);
    const plain = fillSeats(
      ranking.map((g) => g.map((id) => ids.indexOf(id))),
      seats,
    );
    const s = seatCandidates(ranking, seats, noRules());
    assert.deepEqual(
      s.winners,
      plain.winners.map((i) => ids[i]),
    );
    assert.deepEqual(
      s.ties.map((t) => [t.candidates, t.firstSeat, t.lastSeat]),
      plain.ties.map((t) => [t.candidates.map((i) => ids[i]), t.firstSeat, t.lastSeat]),
    );
    assert.equal(s.vacantSeats, plain.vacantSeats);
  }
});

test('property: with Schulze ballots and no rules, governSchulze returns the count unchanged', () => {
  const random = mulberry32(2);
  for (let round = 0; round < 60; round++) {
    const ids = ['a', 'b', 'c', 'd', 'e'].slice(0, 2 + Math.floor(random() * 4));
    const ballots = Array.from({ length: Math.floor(random() * 12) }, () =>
      Object.fromEntries(ids.filter(() => random() < 0.8).map((id) => [id, 1 + Math.floor(random() * 3)])),
    );
    const result = tallyBallots(ids, ballots, 1 + Math.floor(random() * 3));
    const governed = governSchulze(result, noRules());
    assert.deepEqual(governed.result.winners, result.winners);
    assert.deepEqual(
      governed.seating.winners,
      result.winners.map((i) => ids[i]),
    );
  }
});

test('property: no cap is ever exceeded, and every seat is a winner, a tied seat or vacant', () => {
  const random = mulberry32(3);
  const employers = ['Acme', 'acme', 'Globex', 'Hooli', 'Independent', null];
  for (let round = 0; round < 1500; round++) {
    const ids = Array.from({ length: 1 + Math.floor(random() * 9) }, (_, i) => `c${i}`);
    const affiliations = Object.fromEntries(ids.map((id) => [id, employers[Math.floor(random() * employers.length)] ?? null]));
    const continuing = Array.from({ length: Math.floor(random() * 4) }, (_, i) => ({
      login: `m${i}`,
      affiliation: employers[Math.floor(random() * employers.length)] ?? null,
    }));
    const caps: AffiliationCap[] = [
      count(1),
      count(2),
      third('at-most'),
      third('less-than'),
      { kind: 'fraction', numerator: 1, denominator: 2, bound: 'at-most' },
    ];
    const cap = caps[Math.floor(random() * caps.length)] ?? count(1);
    const tieBreak = random() < 0.5 ? { method: 'seeded-hash' as const, seed: `s${round}` } : null;
    const seats = 1 + Math.floor(random() * 5);
    const r = rules(affiliations, { cap, continuing, tieBreak });
    const s = seatCandidates(randomRanking(random, ids), seats, r);
    checkCap(s, r);
    assert.equal(s.cap?.limit, capLimit(cap, seats + continuing.length));
    for (const t of s.ties) assert.ok(t.lastSeat >= t.firstSeat && t.candidates.length > t.lastSeat - t.firstSeat + 1, JSON.stringify(t));
    const tied = s.ties.reduce((n, t) => n + t.lastSeat - t.firstSeat + 1, 0);
    assert.equal(s.winners.length + tied + s.vacantSeats, seats, JSON.stringify(s));
    assert.equal(new Set(s.winners).size, s.winners.length);
    if (tieBreak !== null) assert.deepEqual(s.ties, []);
  }
});
