// A published ballots CSV with receipt codes: the count skips the receipt column, and the
// ballots are read back with their codes; a damaged file is refused with its row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ballotsWithReceipt, parsePublishedBallots, PublishedCsvError } from '../../src/core/officer/publishedBallots.js';
import { BallotCsvError, BallotCsvParser } from '../../src/core/tally/csv.js';

const A = '0AAAA-BBBBB-CCCCC-DDDDD-EEEEE';
const B = '1AAAA-BBBBB-CCCCC-DDDDD-EEEEE';
const FILE = `ann,ben,cat,receipt\r\n2,1,No opinion,${A}\r\n1,2,3,${B}\r\n`;

function count(text: string): { header: string[]; ballots: number[][] } {
  const out = { header: [] as string[], ballots: [] as number[][] };
  const parser = new BallotCsvParser({
    header: (c) => {
      out.header = [...c];
    },
    ballot: (r) => out.ballots.push([...r]),
  });
  parser.push(new TextEncoder().encode(text));
  parser.end();
  return out;
}

test('the tally parser counts the candidate columns and skips the trailing receipt', () => {
  assert.deepEqual(count(FILE), {
    header: ['ann', 'ben', 'cat'],
    ballots: [
      [2, 1, 0],
      [1, 2, 3],
    ],
  });
  // A file without receipts is read exactly as before.
  assert.deepEqual(count('ann,ben\n1,2\n').ballots, [[1, 2]]);
  // A rank column is still checked: a bad rank is an error, with its place.
  assert.throws(() => count(`ann,ben,receipt\r\n1,x,${A}\r\n`), BallotCsvError);
});

test('the published ballots are read with their receipt codes', () => {
  const file = parsePublishedBallots(FILE);
  assert.deepEqual(file.candidates, ['ann', 'ben', 'cat']);
  assert.equal(file.hasReceipts, true);
  assert.deepEqual(ballotsWithReceipt(file, A), [{ ranks: [2, 1, null], receipt: A }]);
  assert.deepEqual(ballotsWithReceipt(file, '2AAAA-BBBBB-CCCCC-DDDDD-EEEEE'), []);
  assert.equal(parsePublishedBallots('ann,ben\r\n1,2\r\n').hasReceipts, false);
});

test('a damaged file is refused with the row', () => {
  assert.throws(() => parsePublishedBallots(''), PublishedCsvError);
  assert.throws(() => parsePublishedBallots(`ann,ben,receipt\r\n1,${A}\r\n`), /row 2: 2 cells/);
  assert.throws(() => parsePublishedBallots(`ann,ben,receipt\r\n1,0,${A}\r\n`), /row 2: column 2: "0" is not a rank/);
  assert.throws(() => parsePublishedBallots(`ann,ben,receipt\r\n1,=2,${A}\r\n`), /not a rank/);
});
