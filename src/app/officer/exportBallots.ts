// The ballots CSV download (SPEC §6). Rows are shuffled with a cryptographic source
// after reading, so their order says nothing about when or by whom each was cast
// (the database's own order is already random; this does not rely on it). Ranked
// ballots (Schulze, STV) hold ranks or `No opinion`; approval ballots `1` or nothing.
import { randomInt } from 'node:crypto';
import type { Election } from '../../core/meta/types.js';
import { CSV_EOL, csvApprovalLine, csvBallotLine, csvHeader, shuffle } from '../../core/officer/ballotsCsv.js';
import type { Store } from '../../storage/store.js';
import { candidateColumns, storedBallots } from './countElection.js';

export interface BallotExport {
  csv: string;
  ballots: number;
}

export async function exportBallots(store: Store, election: Election): Promise<BallotExport> {
  const columns = candidateColumns(election);
  const lines: string[] = [];
  // Approval ballots are written as `scrutin tally --method approval` reads them.
  const line = election.rules.method === 'approval' ? csvApprovalLine : csvBallotLine;
  for await (const ballot of storedBallots(store, election, 'export')) lines.push(line(columns, ballot.rows));
  shuffle(lines, (n) => randomInt(n));
  return { csv: [csvHeader(columns), ...lines].join(CSV_EOL) + CSV_EOL, ballots: lines.length };
}
