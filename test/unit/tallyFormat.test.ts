// The three renderings of a result. Expected values are worked out by hand from the
// ballots in each test, not read back from the engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatJson, formatMarkdown, formatText, tallyBallots, tallyCsv, toTallyJson } from '../../src/core/tally/index.js';

// A first; B and C tied (one ballot each way); D last.
//   d: A>B 2, A>C 2, A>D 2, B>C 1, C>B 1, B>D 2, C>D 2
const boundary = tallyBallots(
  ['D', 'C', 'B', 'A'],
  [
    { A: 1, B: 2, C: 3, D: 4 },
    { A: 1, C: 2, B: 3, D: 4 },
  ],
  2,
);

test('JSON: the documented keys and values', () => {
  const json = JSON.parse(
    formatJson(
      boundary,
      new Map([
        ['A', 'Ada'],
        ['B', 'Bea'],
      ]),
    ),
  ) as Record<string, unknown>;
  assert.deepEqual(Object.keys(json).sort(), [
    'ballots',
    'candidates',
    'explanation',
    'pairwise',
    'ranking',
    'seats',
    'strongest',
    'ties',
    'vacantSeats',
    'winners',
  ]);
  assert.deepEqual(json.candidates, [
    { id: 'D', name: 'D' },
    { id: 'C', name: 'C' },
    { id: 'B', name: 'Bea' },
    { id: 'A', name: 'Ada' },
  ]);
  assert.equal(json.ballots, 2);
  assert.equal(json.seats, 2);
  assert.deepEqual(json.pairwise, {
    A: { B: 2, C: 2, D: 2 },
    B: { A: 0, C: 1, D: 2 },
    C: { A: 0, B: 1, D: 2 },
    D: { A: 0, B: 0, C: 0 },
  });
  // B and C have no winning link either way; everything else is a direct win of 2.
  assert.deepEqual(json.strongest, {
    A: { B: 2, C: 2, D: 2 },
    B: { A: 0, C: 0, D: 2 },
    C: { A: 0, B: 0, D: 2 },
    D: { A: 0, B: 0, C: 0 },
  });
  assert.deepEqual(json.ranking, [['A'], ['B', 'C'], ['D']]);
  assert.deepEqual(json.winners, ['A']);
  assert.deepEqual(json.ties, [{ candidates: ['B', 'C'], firstSeat: 2, lastSeat: 2 }]);
  assert.equal(json.vacantSeats, 0);
});

test('JSON: the explanation compares neighbours in the ranking and each winner with each loser', () => {
  const { explanation } = toTallyJson(boundary);
  assert.deepEqual(
    explanation.adjacent.map((c) => [c.a, c.b, c.outcome]),
    [
      ['A', 'B', 'beats'],
      ['A', 'C', 'beats'],
      ['B', 'C', 'tie'],
      ['B', 'D', 'beats'],
      ['C', 'D', 'beats'],
    ],
  );
  assert.deepEqual(explanation.adjacent[2], {
    a: 'B',
    b: 'C',
    outcome: 'tie',
    aOverB: 1,
    bOverA: 1,
    pathAToB: { strength: 0, chain: [] },
    pathBToA: { strength: 0, chain: [] },
  });
  assert.deepEqual(
    explanation.winners.map((c) => [c.a, c.b]),
    [
      ['A', 'B'],
      ['A', 'C'],
      ['A', 'D'],
    ],
  );
  assert.deepEqual(explanation.winners[2]!.pathAToB, { strength: 2, chain: ['A', 'D'] });
});

test('JSON: a candidate ID like "__proto__" is an ordinary key', () => {
  const json = JSON.parse(formatJson(tallyCsv('__proto__,x\n1,2\n'))) as { pairwise: Record<string, Record<string, number>> };
  const row = Object.getOwnPropertyDescriptor(json.pairwise, '__proto__')?.value as Record<string, number> | undefined;
  assert.equal(row?.x, 1);
});

test('text: ranking with places and ties, the winner, and the tie officers must break', () => {
  const text = formatText(boundary, { A: 'Ada' });
  assert.match(text, /2 ballots, 4 candidates, 2 seats/);
  assert.match(text, /^ {2}1\. Ada \(A\)$/m);
  assert.match(text, /^ {2}2\. B {2}\(tied\)$/m);
  assert.match(text, /^ {2}2\. C {2}\(tied\)$/m);
  assert.match(text, /^ {2}4\. D$/m);
  assert.match(text, /^Winner: Ada$/m);
  assert.match(text, /^Tie: B and C are tied for seat 2; no winner is named for it\.$/m);
  assert.match(text, /B and C are tied: no path either way; head to head 1 to 1\./);
  assert.match(text, /Ada beats B: Ada -> B \[2\], no path back; head to head 2 to 0\./);
});

test('text: names cannot smuggle terminal control sequences', () => {
  const text = formatText(tallyCsv('"\u001b[31mred",b\n1,2\n'));
  assert.ok(!text.includes('\u001b'));
  assert.match(text, /\?\[31mred/);
});

test('text: vacant seats and empty elections are said plainly', () => {
  assert.match(formatText(tallyCsv('only\n1\n', 3)), /Only 1 candidate for 3 seats: 2 seats cannot be filled\./);
  assert.match(formatText(tallyCsv('a,b\n')), /No ballots were counted, so every candidate is tied\./);
});

test('Markdown: a results.md draft with seats, ballots, names, winners, ranking and the pairwise table', () => {
  const md = formatMarkdown(boundary, { names: { A: 'Ada *the* <first>', B: 'Bea|trice' }, title: 'Steering 2024' });
  assert.match(md, /^# Steering 2024: results$/m);
  assert.match(md, /^- Seats: 2$/m);
  assert.match(md, /^- Ballots counted: 2$/m);
  assert.match(md, /^## Winners\n\n- \*\*Ada \\\*the\\\* \\<first\\>\*\*$/m);
  assert.match(md, /\*\*Tie for seat 2:\*\* Bea\\\|trice and C are tied\. No winner is named for this seat/);
  assert.match(md, /^\| 1 \| Ada \\\*the\\\* \\<first\\> \| 0 \|$/m);
  assert.match(md, /^\| 2 \(tie\) \| Bea\\\|trice \| 1 \|$/m);
  assert.match(md, /^\| 4 \| D \| 3 \|$/m);
  // Pairwise rows in ranking order A, B, C, D.
  assert.match(md, /^\| \*\*Ada \\\*the\\\* \\<first\\>\*\* \| — \| 2 \| 2 \| 2 \|$/m);
  assert.match(md, /^\| \*\*Bea\\\|trice\*\* \| 0 \| — \| 1 \| 2 \|$/m);
  assert.match(md, /^\| \*\*D\*\* \| 0 \| 0 \| 0 \| — \|$/m);
  assert.ok(!md.includes('<first>'), 'raw HTML from a name never reaches the page');
});
