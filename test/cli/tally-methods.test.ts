// `scrutin tally` with the election's rules, as an officer recounts a published CSV:
// approval and STV ballots, the declared tie-break (the Paketo-style 5–5 tie anyone
// recomputes), the affiliation cap with an affiliations file, the informational
// comparison, and every wrong option refused in one line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInProcess, type InProcessResult } from '../helpers/cli.js';

let dir = '';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'scrutin-tally-methods-'));
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function tally(args: string[]): Promise<InProcessResult> {
  return runInProcess(['tally', ...args], dir);
}

function file(name: string, content: string): string {
  writeFileSync(join(dir, name), content);
  return name;
}

function csv(header: string[], rows: [string[], number][]): string {
  const lines = [header.join(',')];
  for (const [row, n] of rows) for (let i = 0; i < n; i++) lines.push(row.join(','));
  return `${lines.join('\n')}\n`;
}

// Paketo-style: 10 ballots, 3 seats; ana and ben clear; forest and sophie tied 5–5.
const PAKETO = csv(
  ['ana', 'ben', 'forest', 'sophie', 'tom'],
  [
    [['1', '2', '3', '4', '5'], 5],
    [['2', '1', '4', '3', '5'], 5],
  ],
);

test('the Paketo-style tie: reported without a seed; with the declared seed a winner anyone can recompute', async () => {
  const path = file('paketo.csv', PAKETO);
  const open = await tally([path, '--seats', '3']);
  assert.equal(open.code, 0, open.err);
  assert.match(open.out, /^Winners: ana and ben$/m);
  assert.match(open.out, /^Tie: forest and sophie are tied for seat 3; no winner is named for it\.$/m);

  const seed = 'paketo-steering-2026';
  const seeded = await tally([path, '--seats', '3', '--tie-break-seed', seed, '--format', 'json']);
  assert.equal(seeded.code, 0, seeded.err);
  const json = JSON.parse(seeded.out) as {
    method: string;
    winners: string[];
    ties: unknown[];
    seating: {
      tieBreaks: { candidates: string[]; elected: string[]; use: { seed: string; draw: { candidate: string; digest: string }[] } }[];
    };
  };
  // The recipe of docs/tally.md, written out independently here.
  const digest = (id: string): string => createHash('sha256').update(`${seed}\n${id}`).digest('hex');
  const expected = ['forest', 'sophie'].sort((a, b) => (digest(a) < digest(b) ? -1 : 1))[0] ?? '';
  assert.equal(json.method, 'schulze');
  assert.deepEqual(json.winners.sort(), ['ana', 'ben', expected].sort());
  assert.deepEqual(json.ties, []);
  assert.deepEqual(json.seating.tieBreaks[0]?.elected, [expected]);
  assert.deepEqual(
    json.seating.tieBreaks[0].use.draw.map((e) => [e.candidate, e.digest]),
    ['forest', 'sophie'].map((c) => [c, digest(c)]).sort((a, b) => ((a[1] ?? '') < (b[1] ?? '') ? -1 : 1)),
  );

  const text = await tally([path, '--seats', '3', '--tie-break-seed', seed]);
  assert.match(text.out, new RegExp(`^Winners: (ana, ben and ${expected}|ana, ${expected} and ben|${expected}, ana and ben)$`, 'm'));
  assert.match(
    text.out,
    /^Seats under the election's rules:\n {2}Tie broken: forest and sophie were tied; seeded-hash draw with seed "paketo-steering-2026": /m,
  );
  const md = await tally([path, '--seats', '3', '--tie-break-seed', seed, '--format', 'markdown']);
  assert.match(md.out, /## Seats under the election's rules\n\n- Tie broken: forest and sophie were tied/);
});

test('approval ballots: counts, max selections and the formats', async () => {
  const path = file('approval.csv', 'ann,ben,cat,dan\n1,1,,\n1,,1,0\n,1,1,\n1,,,\n,,,\n');
  const text = await tally([path, '--method', 'approval', '--seats', '2', '--max-selections', '2']);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /^Approval count: 5 ballots \(1 approving nobody\), 4 candidates, 2 seats; at most 2 approvals per ballot\.$/m);
  assert.match(text.out, /^Winner: ann$/m);
  assert.match(text.out, /^Tie: ben and cat are tied for seat 2; no winner is named for it\.$/m);
  const json = JSON.parse((await tally([path, '--method', 'approval', '--seats', '2', '--format', 'json'])).out) as {
    approvals: Record<string, number>;
    winners: string[];
    ties: { candidates: string[] }[];
  };
  assert.deepEqual(json.approvals, { ann: 3, ben: 2, cat: 2, dan: 0 });
  assert.deepEqual(json.winners, ['ann']);
  assert.deepEqual(json.ties[0]?.candidates, ['ben', 'cat']);
  const md = await tally([path, '--method', 'approval', '--format', 'markdown']);
  assert.match(md.out, /^Counted by approval voting: 5 ballots/m);
  const over = await tally([path, '--method', 'approval', '--max-selections', '1']);
  assert.equal(over.code, 1);
  assert.equal(over.err, 'scrutin tally: approval.csv: row 2 approves 2 candidates but at most 1 may be approved (max_selections)\n');
  // A ranked CSV read as approval says which cell is wrong.
  const ranked = await tally([file('ranked.csv', 'a,b\n1,2\n'), '--method', 'approval']);
  assert.equal(ranked.code, 1);
  assert.match(ranked.err, /row 2, column 2 \("b"\): "2" is not an approval/);
});

test('STV ballots: the stages, and the JSON', async () => {
  const path = file(
    'food.csv',
    csv(
      ['Oranges', 'Pears', 'Chocolate', 'Strawberries', 'Hamburgers'],
      [
        [['1', 'No opinion', 'No opinion', 'No opinion', 'No opinion'], 4],
        [['2', '1', 'No opinion', 'No opinion', 'No opinion'], 2],
        [['No opinion', 'No opinion', '1', '2', 'No opinion'], 8],
        [['No opinion', 'No opinion', '1', 'No opinion', '2'], 4],
        [['No opinion', 'No opinion', 'No opinion', '1', 'No opinion'], 1],
        [['No opinion', 'No opinion', 'No opinion', 'No opinion', '1'], 1],
      ],
    ),
  );
  const text = await tally([path, '--method', 'stv', '--seats', '3']);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /^STV count, Scottish STV \(SSI 2007\/42\): 20 ballots, 20 usable; 5 candidates, 3 seats\.$/m);
  assert.match(text.out, /^Quota: 6 votes/m);
  assert.match(text.out, /^Elected, in order: Chocolate, Oranges and Strawberries$/m);
  assert.match(
    text.out,
    /^ {2}2\. Surplus of Chocolate \(6 of 12 votes\) transferred, each paper at 6\/12 of its value: Strawberries \+4 \(8 papers\), Hamburgers \+2 \(4 papers\)\.$/m,
  );
  const json = JSON.parse((await tally([path, '--method', 'stv', '--seats', '3', '--format', 'json'])).out) as {
    winners: string[];
    stages: { kind: string }[];
  };
  assert.deepEqual(json.winners, ['Chocolate', 'Oranges', 'Strawberries']);
  assert.deepEqual(
    json.stages.map((s) => s.kind),
    ['first', 'surplus', 'exclusion', 'exclusion', 'last-vacancies'],
  );
  const md = await tally([path, '--method', 'stv', '--seats', '3', '--format', 'markdown']);
  assert.match(md.out, /^## Votes at the end of each stage$/m);
});

test('the affiliation cap with an affiliations file: the skip is explained; problems in the file are located', async () => {
  const ballots = file(
    'steering.csv',
    csv(
      ['aiko', 'bram', 'chen', 'dara', 'eli'],
      [
        [['1', '2', '3', '4', '5'], 9],
        [['2', '1', '3', '5', '4'], 4],
      ],
    ),
  );
  const affiliations = file(
    'affiliations.yaml',
    'candidates:\n  aiko: Google\n  bram: Red Hat\n  chen: google\n  dara: Microsoft\n  eli: VMware\n  zed: Nowhere\ncontinuing_members:\n  - login: cm-google\n    affiliation: Google\n  - login: cm-vmware\n    affiliation: VMware\n  - login: cm-suse\n    affiliation: SUSE\n',
  );
  const result = await tally([ballots, '--seats', '4', '--max-per-affiliation', '1/3', '--affiliations', affiliations, '--format', 'json']);
  assert.equal(result.code, 0, result.err);
  assert.equal(result.err, 'scrutin tally: warning: affiliations.yaml: "zed" is not a candidate in the ballots; ignored\n');
  const json = JSON.parse(result.out) as {
    winners: string[];
    ranking: string[][];
    seating: { skipped: { candidate: string; holders: string[] }[]; cap: { text: string; limit: number; body: number } };
  };
  assert.deepEqual(json.ranking, [['aiko'], ['bram'], ['chen'], ['dara'], ['eli']]);
  assert.deepEqual(json.winners, ['aiko', 'bram', 'dara', 'eli']);
  assert.deepEqual(
    json.seating.skipped.map((s) => [s.candidate, s.holders]),
    [['chen', ['cm-google', 'aiko']]],
  );
  assert.deepEqual([json.seating.cap.text, json.seating.cap.body, json.seating.cap.limit], ['1/3', 7, 2]);
  const text = await tally([ballots, '--seats', '4', '--max-per-affiliation', '1/3', '--affiliations', affiliations]);
  assert.match(text.out, /^ {2}Skipped chen \(place 3, google\): google already holds 2 of at most 2 \(cm-google and aiko\)\.$/m);
  // STV and approval take the cap too.
  assert.equal(
    (await tally([ballots, '--method', 'stv', '--seats', '4', '--max-per-affiliation', '<1/3', '--affiliations', affiliations])).code,
    0,
  );

  const partial = await tally([
    ballots,
    '--seats',
    '2',
    '--max-per-affiliation',
    '1',
    '--affiliations',
    file('partial.yaml', 'candidates:\n  aiko: Google\n'),
  ]);
  assert.equal(partial.code, 0);
  assert.match(partial.err, /no affiliation for bram, chen, dara, eli; the cap does not count them/);
  const broken = await tally([
    ballots,
    '--max-per-affiliation',
    '1',
    '--affiliations',
    file('broken.yaml', 'candidates: [aiko]\ncontinuing_members:\n  - login: "not a login"\n'),
  ]);
  assert.equal(broken.code, 1);
  assert.match(broken.err, /^scrutin tally: broken\.yaml:1: candidates must map each candidate ID to an affiliation/);
  assert.match(broken.err, /broken\.yaml:3: continuing_members: "not a login" is not a GitHub login/);
  const missing = await tally([ballots, '--max-per-affiliation', '1', '--affiliations', 'nope.yaml']);
  assert.deepEqual([missing.code, missing.err], [1, 'scrutin tally: nope.yaml: no such file\n']);
  const folder = await tally([ballots, '--max-per-affiliation', '1', '--affiliations', '.']);
  assert.deepEqual([folder.code, folder.err], [1, 'scrutin tally: .: is a folder, not a YAML file\n']);
});

test('--compare adds ranked pairs and instant-runoff, labelled as information', async () => {
  const path = file('paketo2.csv', PAKETO);
  const text = await tally([path, '--compare']);
  assert.equal(text.code, 0, text.err);
  assert.match(
    text.out,
    /\nOther methods on the same ballots \(for information only\):\n {2}Ranked pairs \(Tideman\): \(ana = ben\) > \(forest = sophie\) > tom\./,
  );
  const json = JSON.parse((await tally([path, '--compare', '--format', 'json'])).out) as {
    alternatives: { informational: boolean; instantRunoff: { tied: string[] } };
  };
  assert.equal(json.alternatives.informational, true);
  assert.deepEqual(json.alternatives.instantRunoff.tied, ['ana', 'ben']);
  const md = await tally([path, '--compare', '--format', 'markdown']);
  assert.match(md.out, /\n## Other methods \(for information only\)\n\n- Ranked pairs/);
  // Without the new options, the output is exactly what it was.
  const plain = JSON.parse((await tally([path, '--format', 'json'])).out) as Record<string, unknown>;
  assert.equal(plain.method, 'schulze');
  assert.equal('seating' in plain, false);
  assert.equal('alternatives' in plain, false);
});

test('wrong options exit 2 with one line', async () => {
  const path = file('w.csv', PAKETO);
  const cases: [string[], RegExp][] = [
    [[path, '--method', 'borda'], /--method must be schulze, approval, stv, not "borda"/],
    [[path, '--max-selections', '2'], /--max-selections applies to --method approval only/],
    [[path, '--method', 'approval', '--max-selections', '0'], /--max-selections must be a whole number from 1/],
    [[path, '--method', 'stv', '--compare'], /--compare shows other methods beside a Schulze count/],
    [[path, '--affiliations', 'a.yaml'], /--affiliations is only used with --max-per-affiliation/],
    [[path, '--max-per-affiliation', '1/3'], /--max-per-affiliation needs --affiliations FILE/],
    [[path, '--max-per-affiliation', '3/2', '--affiliations', 'a.yaml'], /--max-per-affiliation: "3\/2" is more than the whole body/],
    [[path, '--seats', '2', '--winners', '3'], /--seats 2 and --winners 3 disagree/],
    [[path, '--seats', '0'], /--seats must be a whole number from 1/],
    [[path, '--tie-break-seed', ' '], /--tie-break-seed needs the seed/],
    [['--election', 'x', '--method', 'stv'], /--method is for counting a CSV file/],
    [['--election', 'x', '--tie-break-seed=s'], /--tie-break-seed is for counting a CSV file/],
  ];
  for (const [args, message] of cases) {
    const { code, err } = await tally(args);
    assert.equal(code, 2, args.join(' '));
    assert.match(err, message, args.join(' '));
    assert.equal(err.trimEnd().split('\n').length, 1, `one line for ${args.join(' ')}: ${err}`);
  }
  // --winners alone is still the seats.
  const json = JSON.parse((await tally([path, '--winners', '2', '--format', 'json'])).out) as { seats: number };
  assert.equal(json.seats, 2);
});
