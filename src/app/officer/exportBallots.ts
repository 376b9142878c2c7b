// The ballots CSV download (SPEC §6). Rows are shuffled with a cryptographic source
// after reading, so their order says nothing about when or by whom each was cast
// (the database's own order is already random; this does not rely on it). Ranked
// ballots (Schulze, STV) hold ranks or `No opinion`; approval ballots `1` or nothing.
// With receipts (`ballot_receipts`), each row ends with its ballot's receipt code and
// the rows are sorted by it: an order as unrelated to casting as the codes are random,
// and one a voter can search.
import { randomInt } from 'node:crypto';
import type { Election } from '../../core/meta/types.js';
import { CSV_EOL, csvApprovalLine, csvBallotLine, csvCell, csvHeader, shuffle } from '../../core/officer/ballotsCsv.js';
import { RECEIPT_COLUMN } from '../../core/tally/csv.js';
import type { Store } from '../../storage/store.js';
import { candidateColumns, storedBallots } from './countElection.js';

export interface BallotExport {
  csv: string;
  ballots: number;
}

export async function exportBallots(store: Store, election: Election): Promise<BallotExport> {
  const columns = candidateColumns(election);
  const receipts = election.ballotReceipts;
  // Approval ballots are written as `scrutin tally --method approval` reads them.
  const lineOf = election.rules.method === 'approval' ? csvApprovalLine : csvBallotLine;
  const lines: Array<{ line: string; receipt: string }> = [];
  for await (const ballot of storedBallots(store, election, 'export')) {
    const line = lineOf(columns, ballot.rows);
    // A ballot cast before receipts were turned on has none: an empty cell.
    lines.push(receipts ? { line: `${line},${csvCell(ballot.receipt ?? '')}`, receipt: ballot.receipt ?? '' } : { line, receipt: '' });
  }
  if (receipts) lines.sort((a, b) => (a.receipt < b.receipt ? -1 : a.receipt > b.receipt ? 1 : 0));
  else shuffle(lines, (n) => randomInt(n));
  const header = receipts ? `${csvHeader(columns)},${RECEIPT_COLUMN}` : csvHeader(columns);
  return { csv: [header, ...lines.map((l) => l.line)].join(CSV_EOL) + CSV_EOL, ballots: lines.length };
}
