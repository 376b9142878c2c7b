// `scrutin tally` as an officer uses it, run in-process through the CLI dispatcher.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInProcess, type InProcessResult } from '../helpers/cli.js';

let dir = '';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'scrutin-tally-'));
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

// The Wikipedia 45-voter example as an officer's download (E > A > C > B > D).
function wikipediaCsv(): string {
  const groups: [number, string][] = [
    [5, 'ACBED'],
    [5, 'ADECB'],
    [8, 'BEDAC'],
    [3, 'CABED'],
    [7, 'CAEBD'],
    [2, 'CBADE'],
    [7, 'DCEBA'],
    [8, 'EBADC'],
  ];
  const rows = ['A,B,C,D,E'];
  for (const [count, order] of groups) {
    const row = ['A', 'B', 'C', 'D', 'E'].map((c) => String(order.indexOf(c) + 1)).join(',');
    for (let k = 0; k < count; k++) rows.push(row);
  }
  return `${rows.join('\r\n')}\r\n`;
}

test('tally FILE prints the ranking and the winner', async () => {
  const { code, out, err } = await tally([file('w.csv', wikipediaCsv())]);
  assert.equal(code, 0, err);
  assert.equal(err, '');
  assert.match(out, /45 ballots, 5 candidates, 1 seat/);
  const ranking = [...out.matchAll(/^ {2}(\d)\. (\w)$/gm)].map((m) => `${m[1]}${m[2]}`);
  assert.deepEqual(ranking, ['1E', '2A', '3C', '4B', '5D']);
  assert.match(out, /^Winner: E$/m);
});

test('--format json gives the documented shape; --winners sets the seats', async () => {
  const { code, out } = await tally([file('w.csv', wikipediaCsv()), '--format', 'json', '--winners', '3']);
  assert.equal(code, 0);
  const json = JSON.parse(out) as {
    seats: number;
    ballots: number;
    ranking: string[][];
    winners: string[];
    ties: unknown[];
    pairwise: Record<string, Record<string, number>>;
  };
  assert.equal(json.seats, 3);
  assert.equal(json.ballots, 45);
  assert.deepEqual(json.ranking, [['E'], ['A'], ['C'], ['B'], ['D']]);
  assert.deepEqual(json.winners, ['E', 'A', 'C']);
  assert.deepEqual(json.ties, []);
  assert.equal(json.pairwise.B!.D, 33);
});

test('--format markdown gives a results.md draft', async () => {
  const { code, out } = await tally(['--format=markdown', file('w.csv', wikipediaCsv())]);
  assert.equal(code, 0);
  assert.match(out, /^# Results$/m);
  assert.match(out, /^- Ballots counted: 45$/m);
  assert.match(out, /^## Winner\n\n- \*\*E\*\*$/m);
  assert.match(out, /^## Pairwise preferences$/m);
});

test('a three-way cycle reports a tie and names no winner', async () => {
  const { code, out } = await tally([file('cycle.csv', 'a,b,c\n1,2,3\n3,1,2\n2,3,1\n')]);
  assert.equal(code, 0);
  assert.match(out, /^Winner: none named$/m);
  assert.match(out, /^Tie: a, b and c are tied for seat 1; no winner is named for it\.$/m);
});

test('a malformed CSV fails with exit 1 and names the file, row and column', async () => {
  const { code, out, err } = await tally([file('bad.csv', 'a,b\n1,2\n2,two\n')]);
  assert.equal(code, 1);
  assert.equal(out, '');
  assert.equal(
    err,
    'scrutin tally: bad.csv: row 3, column 2 ("b"): "two" is not a rank; expected a whole number from 1 (1 = most preferred) or "No opinion"\n',
  );
});

test('a missing file, a folder, and an empty file are clear errors', async () => {
  assert.deepEqual(await tally(['nope.csv']), { code: 1, out: '', err: 'scrutin tally: nope.csv: no such file\n' });
  assert.deepEqual(await tally(['.']), { code: 1, out: '', err: 'scrutin tally: .: is a folder, not a CSV file\n' });
  const empty = await tally([file('empty.csv', '')]);
  assert.equal(empty.code, 1);
  assert.match(empty.err, /empty\.csv: the file is empty/);
});

test('wrong options exit 2 with one line', async () => {
  for (const args of [
    ['w.csv', '--winners', '0'],
    ['w.csv', '--winners', '1.5'],
    ['w.csv', '--format', 'xml'],
    ['--bogus', 'w.csv'],
    [],
    ['a.csv', 'b.csv'],
  ]) {
    file('w.csv', wikipediaCsv());
    const { code, err } = await tally(args);
    assert.equal(code, 2, args.join(' '));
    assert.equal(err.trimEnd().split('\n').length, 1, `one line for ${args.join(' ')}: ${err}`);
  }
});

test('--election without a meta repository clone is refused in one line (counting itself: test/cli/tally-election.test.ts)', async () => {
  const { code, err } = await tally(['--election', '2021---GB']);
  assert.equal(code, 1);
  assert.match(err, /no meta repository clone at .* \(META_PATH\): run `scrutin sync` first/);
  assert.equal((await tally(['--election', 'x', 'w.csv'])).code, 2);
});

test('--help describes the command', async () => {
  const { code, out } = await tally(['--help']);
  assert.equal(code, 0);
  assert.match(out, /Usage: scrutin tally FILE\.csv \[--method schulze\|approval\|stv\] \[--seats N\] \[--format text\|json\|markdown\]/);
  assert.match(out, /--winners N is the same option/);
});

test('empty cells are unranked (SPEC §10), with one notice on stderr saying how many and where the first is', async () => {
  const blanks = await tally([file('blanks.csv', 'a,b,c\n1,,2\n2,1,\n')]);
  const spelled = await tally([file('spelled.csv', 'a,b,c\n1,No opinion,2\n2,1,No opinion\n')]);
  assert.equal(blanks.code, 0, blanks.err);
  assert.equal(blanks.out.replaceAll('blanks.csv', 'spelled.csv'), spelled.out.replaceAll('blanks.csv', 'spelled.csv'));
  assert.match(blanks.err, /notice: .*blanks\.csv: 2 empty cells were read as unranked \("No opinion"\), the first at row 2, column 2/);
  assert.equal(spelled.err, '');
  const stv = await tally([file('blanks.csv', 'a,b,c\n1,,2\n2,1,\n'), '--method', 'stv']);
  assert.match(stv.err, /2 empty cells were read as unranked/);
});
