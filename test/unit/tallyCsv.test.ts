// The officers' ballot CSV: what is accepted, and for everything else an error that
// names the row and column an officer would look at in a spreadsheet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BallotCsvError, CsvBallotCount, countBallots, countCsv, tallyCsv } from '../../src/core/tally/index.js';

/** d as a map "x>y" → count, for readable expectations. */
function pairs(content: string | Uint8Array): Record<string, number> {
  const { candidates, counter } = countCsv(content);
  const n = candidates.length;
  const out: Record<string, number> = {};
  candidates.forEach((x, i) =>
    candidates.forEach((y, j) => {
      const v = counter.d[i * n + j]!;
      if (v > 0) out[`${x}>${y}`] = v;
    }),
  );
  return out;
}

function csvError(content: string, options = {}): BallotCsvError {
  try {
    countCsv(content, options);
  } catch (error) {
    assert.ok(error instanceof BallotCsvError, `expected a BallotCsvError, got ${String(error)}`);
    return error;
  }
  assert.fail(`no error for ${JSON.stringify(content)}`);
}

function assertError(content: string, row: number, column: number | null, message: RegExp, options = {}): void {
  const error = csvError(content, options);
  assert.equal(error.row, row, `row in: ${error.message}`);
  assert.equal(error.column, column, `column in: ${error.message}`);
  assert.match(error.message, message);
  assert.match(error.message, new RegExp(`^(the file|row ${row}\\b)`), 'the message itself names the row');
}

// ---------------------------------------------------------------- accepted

test('Elekto\'s download: header of IDs, ranks and "No opinion", trailing newline', () => {
  const { candidates, counter } = countCsv('alice,bob,carol\n1,2,No opinion\n2,1,1\n');
  assert.deepEqual(candidates, ['alice', 'bob', 'carol']);
  assert.equal(counter.ballots, 2);
  assert.deepEqual(pairs('alice,bob,carol\n1,2,No opinion\n2,1,1\n'), { 'alice>bob': 1, 'bob>alice': 1, 'carol>alice': 1 });
});

test('CRLF line endings, no trailing newline, a byte-order mark, and trailing blank lines are all fine', () => {
  const expected = { 'a>b': 2 };
  assert.deepEqual(pairs('a,b\r\n1,2\r\n1,2\r\n'), expected);
  assert.deepEqual(pairs('a,b\n1,2\n1,2'), expected);
  assert.deepEqual(pairs('\ufeffa,b\n1,2\n1,2\n'), expected);
  assert.deepEqual(pairs('a,b\n1,2\n1,2\n\n\r\n'), expected);
  assert.deepEqual(countCsv('\ufeffa,b\n').candidates, ['a', 'b']);
});

test('cells may be quoted, spaced, or spell "no opinion" in any case; equal ranks are ties', () => {
  assert.deepEqual(pairs('a,b,c\n"1", 2 ,no opinion\n3,3,"No Opinion"\n'), { 'a>b': 1 });
  assert.deepEqual(pairs('a,b\n007,10\n'), { 'a>b': 1 });
});

test('a header cell may be quoted and hold a comma or a quote', () => {
  const { candidates } = countCsv('"Smith, Jane","say ""hi""",plain\n1,2,3\n');
  assert.deepEqual(candidates, ['Smith, Jane', 'say "hi"', 'plain']);
});

test('rank 100000000, Elekto\'s stored "No opinion", means no opinion', () => {
  assert.deepEqual(pairs('a,b,c\n1,100000000,2\n'), { 'a>c': 1 });
});

test('a header-only file is an election with no ballots', () => {
  const result = tallyCsv('a,b\n');
  assert.equal(result.ballots, 0);
  assert.deepEqual(result.ranking, [[0, 1]]);
});

test('chunk boundaries anywhere (inside a CRLF, a number, a UTF-8 name) change nothing', () => {
  const text = '\ufeffZoë,Ådne,x\r\n1,22,No opinion\r\n22,1,3\r\n3,3,1';
  const bytes = new TextEncoder().encode(text);
  const whole = countCsv(bytes);
  for (let size = 1; size <= 7; size++) {
    const count = new CsvBallotCount();
    for (let k = 0; k < bytes.length; k += size) count.push(bytes.slice(k, k + size));
    const parts = count.end();
    assert.deepEqual(parts.candidates, ['Zoë', 'Ådne', 'x']);
    assert.deepEqual([...parts.counter.d], [...whole.counter.d], `chunks of ${size}`);
    assert.equal(parts.counter.ballots, 3);
  }
});

test('a reused read buffer is safe: the unfinished row is copied', () => {
  const count = new CsvBallotCount();
  const buffer = Buffer.alloc(4);
  for (const piece of ['a,b\n', '1,2\n', '2,', '1\n1,']) {
    buffer.fill(0);
    buffer.write(piece);
    count.push(buffer.subarray(0, piece.length));
  }
  buffer.write('2');
  count.push(buffer.subarray(0, 1));
  const { counter } = count.end();
  assert.deepEqual([...counter.d], [0, 2, 1, 0]);
});

test('random files in random chunks count exactly as the same ballots given directly', () => {
  let seed = 11;
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let k = 0; k < 30; k++) {
    const n = 1 + Math.floor(random() * 20);
    const ids = Array.from({ length: n }, (_, i) => `c${i}`);
    const ballots: Record<string, number>[] = [];
    const rows = [ids.join(',')];
    for (let b = 0; b < 60; b++) {
      const ballot: Record<string, number> = {};
      const cells = ids.map((id) => {
        const roll = random();
        if (roll < 0.1) return 'No opinion';
        if (roll < 0.12) return '100000000';
        const rank = 1 + Math.floor(random() * (roll < 0.15 ? 1000 : n));
        ballot[id] = rank;
        return roll < 0.17 ? `00${rank}` : String(rank);
      });
      ballots.push(ballot);
      rows.push(cells.join(','));
    }
    const eol = k % 2 === 0 ? '\n' : '\r\n';
    const bytes = new TextEncoder().encode(rows.join(eol) + (k % 3 === 0 ? '' : eol));
    const count = new CsvBallotCount();
    for (let at = 0; at < bytes.length;) {
      const size = 1 + Math.floor(random() * 40);
      count.push(bytes.subarray(at, at + size));
      at += size;
    }
    const { candidates, counter } = count.end();
    const direct = countBallots(ids, ballots);
    assert.deepEqual(candidates, ids);
    assert.equal(counter.ballots, 60);
    assert.deepEqual([...counter.d], [...direct.d], `file ${k}`);
  }
});

// ---------------------------------------------------------------- refused

test('an empty file is refused', () => {
  assertError('', 1, null, /the file is empty/);
  assertError('\ufeff', 1, null, /empty/);
  assertError('\n\na,b\n', 1, null, /row 1 is empty.*header/);
});

test('a bad header is refused: empty cell, ranks instead of IDs, broken quotes, lone CR', () => {
  assertError('a,,c\n1,2,3\n', 1, 2, /row 1, column 2: the header cell is empty/);
  assertError('1,2,No opinion\n1,2,3\n', 1, null, /first row must be a header of candidate IDs, but it holds ranks/);
  assertError('a,"b\n1,2\n', 1, 2, /quoted header cell is never closed/);
  assertError('a,"b"x,c\n', 1, 2, /after a quoted header cell/);
  assertError('a,b\r1,2\r', 1, null, /CR alone/);
  assert.throws(() => countCsv(new Uint8Array([0x61, 0x2c, 0xff, 0x0a])), {
    name: 'BallotCsvError',
    row: 1,
    message: /row 1: the header is not UTF-8 text/,
  });
});

test('a duplicate column is refused, naming both columns', () => {
  assertError('a,b,a\n1,2,3\n', 1, 3, /row 1, columns 1 and 3: both are candidate "a"/);
});

test('an unknown value is refused with its row and column', () => {
  assertError('alice,bob\n1,2\n1,maybe\n', 3, 2, /row 3, column 2 \("bob"\): "maybe" is not a rank/);
  assertError('alice,bob\n1,2\nx1,2\n', 3, 1, /row 3, column 1 \("alice"\): "x1" is not a rank/);
});

test('zero, negative, fractional and huge ranks are refused with their row and column', () => {
  assertError('a,b,c\n1,2,3\n1,0,2\n', 3, 2, /row 3, column 2 \("b"\): rank 0 is not allowed/);
  assertError('a,b,c\n-1,2,3\n', 2, 1, /row 2, column 1 \("a"\): rank "-1" is negative/);
  assertError('a,b,c\n1,2,1.5\n', 2, 3, /row 2, column 3 \("c"\): rank "1.5" is not a whole number/);
  assertError('a,b,c\n1,2.0,3\n', 2, 2, /rank "2.0" is not a whole number/);
  assertError('a,b,c\n1,2,100000001\n', 2, 3, /too large/);
});

test('a row with the wrong number of cells is refused', () => {
  assertError('a,b,c\n1,2,3\n1,2\n', 3, 3, /row 3 has 2 cells but the header has 3 columns; column 3 \("c"\) is missing/);
  assertError('a,b,c\n1,2,3,4\n', 2, 4, /row 2 has 4 cells but the header has 3 columns/);
  assertError('a,b,c\n1,2,3,\n', 2, 4, /row 2 has 4 cells/);
});

test('near misses of "No opinion" are refused, not read as no opinion', () => {
  assertError('a,b\n1,No opinionX\n', 2, 2, /row 2, column 2 \("b"\): "No opinionX" is not a rank/);
  assertError('a,b\nNo opinio,1\n', 2, 1, /"No opinio" is not a rank/);
  assertError('a,b\n1,No opinion\r2,1\n', 2, 2, /carriage return/);
});

test('a blank row between ballots is refused', () => {
  assertError('a,b\n1,2\n\n2,1\n', 3, null, /row 3 is empty; every row after the header must be a ballot/);
});

test('the error is the first problem in file order, and its row counts the header as row 1', () => {
  assertError('a,b\r\n1,2\r\n2,1\r\n1,zero\r\n1\r\n', 4, 2, /row 4, column 2/);
});

// ---------------------------------------------------------------- with the election's candidates

const known = {
  candidates: [
    { id: 'alice', name: 'Alice Liddell' },
    { id: 'bob', name: 'Bob Dobbs' },
  ],
};

test('given the candidates, the header may use IDs or names, in any column order', () => {
  assert.deepEqual(countCsv('Bob Dobbs,ALICE\n1,2\n', known).candidates, ['bob', 'alice']);
  assert.deepEqual(countCsv('alice,  bob dobbs \n1,2\n', known).candidates, ['alice', 'bob']);
});

test('given the candidates, unknown, missing and doubled columns are refused', () => {
  assertError('alice,bob,eve\n1,2,3\n', 1, 3, /column 3 \("eve"\): not a candidate of this election \(candidates: alice, bob\)/, known);
  assertError('alice\n1\n', 1, null, /no column for "bob" \(Bob Dobbs\)/, known);
  assertError('alice,Alice Liddell\n1,2\n', 1, 2, /columns 1 and 2: both are candidate "alice"/, known);
});

test('an empty cell is unranked (SPEC §10), counted for the notice with where the first one is', () => {
  const blank = countCsv('a,b,c\n1,,3\n2,1, \n');
  const noOpinion = countCsv('a,b,c\n1,No opinion,3\n2,1,No opinion\n');
  assert.deepEqual([...blank.counter.d], [...noOpinion.counter.d]);
  assert.deepEqual(blank.blanks, { cells: 2, first: { row: 2, column: 2 } });
  assert.deepEqual(noOpinion.blanks, { cells: 0, first: null });
});
