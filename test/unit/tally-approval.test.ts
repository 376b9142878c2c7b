// Approval voting: the published Tennessee example, the CSV (1 / blank / 0) with every
// refusal located by row and column, max_selections, ties and caps through the same
// seating as Schulze, and the property that the totals are the columns' sums.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noRules } from '../../src/core/governance/seats.js';
import {
  ApprovalCsvParser,
  BallotCsvError,
  approvalResult,
  countApprovalCsv,
  countApprovals,
  formatApprovalJson,
  formatApprovalMarkdown,
  formatApprovalText,
} from '../../src/core/tally/index.js';

// The Tennessee capital example used across Wikipedia's voting-method articles
// ("Tennessee example"): 100 voters in four groups by city. Here each group approves
// its first two preferences: Memphis (42) M, N; Nashville (26) N, C; Chattanooga (15)
// C, K; Knoxville (17) K, C. Nashville is approved by 68, Chattanooga by 58.
function tennessee(): string {
  const rows = ['memphis,nashville,chattanooga,knoxville'];
  const groups: [number, string][] = [
    [42, '1,1,,'],
    [26, ',1,1,'],
    [15, ',,1,1'],
    [17, ',,1,1'],
  ];
  for (const [n, row] of groups) for (let i = 0; i < n; i++) rows.push(row);
  return `${rows.join('\n')}\n`;
}

test('the Tennessee example: Nashville 68, Chattanooga 58, Memphis 42, Knoxville 32', () => {
  const count = countApprovalCsv(tennessee(), { maxSelections: 2 });
  assert.deepEqual(count.approvals, [42, 68, 58, 32]);
  assert.equal(count.ballots, 100);
  const result = approvalResult(count, 1, noRules(), 2);
  assert.deepEqual(result.ranking, [['nashville'], ['chattanooga'], ['memphis'], ['knoxville']]);
  assert.deepEqual(result.seating.winners, ['nashville']);
  assert.deepEqual(approvalResult(count, 2).seating.winners, ['nashville', 'chattanooga']);
  const text = formatApprovalText(result);
  assert.match(text, /^Approval count: 100 ballots, 4 candidates, 1 seat; at most 2 approvals per ballot\./);
  assert.match(text, /1\. nashville +68\n/);
  assert.match(text, /^Winner: nashville$/m);
});

test('cells: 1 approves; blank and 0 do not; spaces and quotes are tolerated; blank ballots count', () => {
  const count = countApprovalCsv('\uFEFFa,b,c\r\n1,0,\r\n "1" , ,0\r\n,,\r\n0,0,0\r\n');
  assert.deepEqual(count.approvals, [2, 0, 0]);
  assert.equal(count.ballots, 4);
  assert.equal(count.blank, 2);
  assert.deepEqual(count.candidates, ['a', 'b', 'c']);
  // A header naming candidates by name, matched to the election's candidates, like the ranked CSV.
  const named = countApprovalCsv('Ann Archer,b\n1,\n', {
    candidates: [
      { id: 'ann', name: 'Ann Archer' },
      { id: 'b', name: 'Ben' },
    ],
  });
  assert.deepEqual(named.candidates, ['ann', 'b']);
});

test('refusals name the row and column', () => {
  const cases: [string, RegExp, number, number | null][] = [
    ['a,b\n1,x\n', /row 2, column 2 \("b"\): "x" is not an approval; write 1 \(approved\) or leave the cell blank \(or 0\)/, 2, 2],
    ['a,b\n1,1\n2,\n', /row 3, column 1 \("a"\): "2" is not an approval/, 3, 1],
    ['a,b\nyes,\n', /"yes" is not an approval/, 2, 1],
    ['a,b\n1\n', /row 2 has 1 cell but the header has 2 columns; column 2 \("b"\) is missing/, 2, 2],
    ['a,b\n1,,\n', /row 2 has 3 cells but the header has 2 columns; column 3 has no candidate/, 2, 3],
    ['a,b\n1,\n\n1,\n', /row 3 is empty; every row after the header must be a ballot/, 3, null],
    ['a,b\r1,\r', /row 1: lines must end with LF or CRLF, not CR alone/, 1, null],
    ['', /the file is empty/, 1, null],
    ['\n', /row 1 is empty; the first row must be a header/, 1, null],
    ['1,0\n1,1\n', /the first row must be a header of candidate IDs, but it holds ranks/, 1, null],
    ['a,a\n1,\n', /both are candidate "a"/, 1, 2],
    ['a,b,c\n1,1,1\n', /row 2 approves 3 candidates but at most 2 may be approved \(max_selections\)/, 2, null],
  ];
  for (const [csv, message, row, column] of cases) {
    assert.throws(
      () => countApprovalCsv(csv, { maxSelections: 2 }),
      (e: unknown) => {
        assert.ok(e instanceof BallotCsvError, String(e));
        assert.match(e.message, message);
        assert.equal(e.row, row, csv);
        assert.equal(e.column, column, csv);
        return true;
      },
    );
  }
  assert.throws(() => countApprovalCsv(Uint8Array.from([0x61, 0x0a, 0xff, 0x0a])), /row 2 is not UTF-8 text/);
});

test('trailing blank lines and a last line without a line break are fine; chunks may split anywhere', () => {
  const csv = 'a,b,c\n1,,1\n,1,\n1,1,0\n\n\n';
  const whole = countApprovalCsv(csv);
  assert.deepEqual(whole.approvals, [2, 2, 1]);
  const bytes = new TextEncoder().encode(csv.replace(/\n+$/, ''));
  for (let size = 1; size <= 5; size++) {
    const parser = new ApprovalCsvParser();
    for (let i = 0; i < bytes.length; i += size) parser.push(bytes.subarray(i, i + size));
    assert.deepEqual(parser.end().approvals, whole.approvals, `chunks of ${size}`);
  }
});

test('a tie for the last seat is reported, or broken by the declared draw; caps apply as for Schulze', () => {
  const count = countApprovals(['a', 'b', 'c', 'd'], [['a', 'b'], ['a', 'c'], ['a', 'd'], ['b'], ['c']]);
  assert.deepEqual(count.approvals, [3, 2, 2, 1]);
  const tied = approvalResult(count, 2);
  assert.deepEqual(tied.seating.winners, ['a']);
  assert.deepEqual(tied.seating.ties, [{ candidates: ['b', 'c'], firstSeat: 2, lastSeat: 2, reason: 'ranking' }]);
  assert.match(formatApprovalText(tied), /Tie: b and c are tied for seat 2; no winner is named for it\./);
  const drawn = approvalResult(count, 2, { ...noRules(), tieBreak: { method: 'seeded-hash', seed: 'x' } });
  assert.equal(drawn.seating.winners.length, 2);
  assert.equal(drawn.seating.tieBreaks.length, 1);
  const capped = approvalResult(count, 2, {
    ...noRules(),
    cap: { kind: 'count', max: 1 },
    affiliations: new Map([
      ['a', 'Acme'],
      ['b', 'Acme'],
      ['c', 'Acme'],
      ['d', 'Hooli'],
    ]),
  });
  assert.deepEqual(capped.seating.winners, ['a', 'd']);
  assert.deepEqual(
    capped.seating.skipped.map((s) => s.candidate),
    ['b', 'c'],
  );
  const json = JSON.parse(formatApprovalJson(capped)) as Record<string, unknown>;
  assert.equal(json.method, 'approval');
  assert.deepEqual(json.winners, ['a', 'd']);
  assert.deepEqual(json.approvals, { a: 3, b: 2, c: 2, d: 1 });
  assert.deepEqual((json.cap as { text: string }).text, '1');
  assert.match(formatApprovalMarkdown(capped, { title: 'Board <2026>' }), /^# Board \\<2026\\>: results[\s\S]*\| 2 \(tie\) \| b \| 2 \|/);
  assert.throws(() => countApprovals(['a'], [['z']]), /"z", who is not a candidate/);
  assert.throws(() => countApprovals(['a', 'b'], [['a', 'b']], 1), /at most 1 may be approved/);
});

test("property: every total is its column's sum of 1s, whatever the spelling of the other cells", () => {
  let seed = 7;
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let round = 0; round < 200; round++) {
    const n = 1 + Math.floor(random() * 6);
    const ids = Array.from({ length: n }, (_, i) => `c${i}`);
    const sums = new Array<number>(n).fill(0);
    const rows = [ids.join(',')];
    const ballots = Math.floor(random() * 30);
    let blank = 0;
    for (let b = 0; b < ballots; b++) {
      const cells = ids.map((_, i) => {
        if (random() < 0.4) {
          sums[i] = (sums[i] ?? 0) + 1;
          return random() < 0.5 ? '1' : ' "1"';
        }
        return ['', '0', ' ', '"0"'][Math.floor(random() * 4)] ?? '';
      });
      if (cells.every((c) => !c.includes('1'))) blank++;
      rows.push(cells.join(','));
    }
    // One column with an empty row would be a blank line: skip that shape.
    if (n === 1 && rows.slice(1).some((r) => r === '')) continue;
    const count = countApprovalCsv(`${rows.join(random() < 0.5 ? '\n' : '\r\n')}\n`);
    assert.deepEqual(count.approvals, sums);
    assert.equal(count.ballots, ballots);
    assert.equal(count.blank, blank);
  }
});
