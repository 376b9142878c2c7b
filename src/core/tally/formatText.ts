// The result for a terminal: ranking, winners, the tie officers must break, the
// reasons for each step of the ranking, and the pairwise table when it fits.
import type { Comparison, PathEvidence } from './explain.js';
import { type CandidateNames, listing, nameLookup, places, plural, printable, seatRange } from './formatCommon.js';
import type { TallyResult } from './tally.js';

/** Wider than this, the pairwise table no longer fits a terminal; JSON and Markdown still hold it. */
const MAX_TABLE_CANDIDATES = 12;

export interface TextOptions {
  /** Lines shown under the winners, such as how the election's seat rules applied. */
  notes?: readonly string[];
}

export function formatText(result: TallyResult, names?: CandidateNames, options: TextOptions = {}): string {
  const lookup = nameLookup(result, names);
  const label = (i: number): string => printable(lookup(i));
  const full = (i: number): string => {
    const id = printable(result.candidates[i] ?? '');
    const name = label(i);
    return name === id ? id : `${name} (${id})`;
  };
  const lines: string[] = [];
  const n = result.candidates.length;
  lines.push(
    `Schulze count (winning votes): ${plural(result.ballots, 'ballot')}, ${plural(n, 'candidate')}, ${plural(result.seats, 'seat')}.`,
  );
  if (result.ballots === 0) lines.push('No ballots were counted, so every candidate is tied.');
  lines.push('', 'Ranking (best first):');
  const placeOf = places(result);
  const width = String(n).length;
  result.ranking.forEach((group, g) => {
    const place = String(placeOf[g] ?? 0).padStart(width);
    for (const x of group) lines.push(`  ${place}. ${full(x)}${group.length > 1 ? '  (tied)' : ''}`);
  });

  lines.push('');
  if (result.winners.length > 0) {
    lines.push(`${result.winners.length === 1 ? 'Winner' : 'Winners'}: ${listing(result.winners.map(label))}`);
  } else {
    lines.push('Winner: none named');
  }
  for (const tie of result.ties) {
    const seats = seatRange(tie.firstSeat, tie.lastSeat);
    lines.push(
      `Tie: ${listing(tie.candidates.map(label))} are tied for ${seats}; no winner is named for ${tie.firstSeat === tie.lastSeat ? 'it' : 'them'}.`,
    );
    lines.push('     The election officers break the tie by their own rules.');
  }
  if (result.vacantSeats > 0) {
    lines.push(
      `Only ${plural(n, 'candidate')} for ${plural(result.seats, 'seat')}: ${plural(result.vacantSeats, 'seat')} cannot be filled.`,
    );
  }

  if (options.notes !== undefined && options.notes.length > 0) {
    lines.push('', "Seats under the election's rules:", ...options.notes.map((note) => `  ${printable(note)}`));
  }

  if (result.explanation.adjacent.length > 0) {
    lines.push('', 'Why (strongest paths, weakest link in brackets; head to head in ballots):');
    for (const c of result.explanation.adjacent) lines.push(`  ${explain(c, label)}`);
  }

  lines.push('');
  if (n <= MAX_TABLE_CANDIDATES) {
    lines.push('Pairwise (ballots ranking the row candidate above the column candidate; ranking order):');
    lines.push(...table(result, label));
  } else {
    lines.push(`The pairwise table (${n}×${n}) is in --format json and --format markdown.`);
  }
  return `${lines.join('\n')}\n`;
}

function chain(path: PathEvidence, label: (i: number) => string): string {
  return `${path.chain.map(label).join(' -> ')} [${path.strength}]`;
}

function explain(c: Comparison, label: (i: number) => string): string {
  const a = label(c.a);
  const b = label(c.b);
  const headToHead = `head to head ${c.aOverB} to ${c.bOverA}.`;
  if (c.outcome === 'tie') {
    const paths =
      c.pathAToB.strength === 0 ? 'no path either way' : `${chain(c.pathAToB, label)} and ${chain(c.pathBToA, label)} are equally strong`;
    return `${a} and ${b} are tied: ${paths}; ${headToHead}`;
  }
  const back = c.pathBToA.strength === 0 ? 'no path back' : `stronger than ${chain(c.pathBToA, label)}`;
  return `${a} beats ${b}: ${chain(c.pathAToB, label)}, ${back}; ${headToHead}`;
}

function table(result: TallyResult, label: (i: number) => string): string[] {
  const n = result.candidates.length;
  const order = result.ranking.flat();
  const names = order.map(label);
  const nameWidth = Math.max(...names.map((s) => s.length));
  const cells = order.map((i) => order.map((j) => (i === j ? '-' : String(result.d[i * n + j] ?? 0))));
  const colWidth = names.map((s, j) => Math.max(s.length, ...cells.map((row) => (row[j] ?? '').length)));
  const header = `  ${''.padEnd(nameWidth)}  ${names.map((s, j) => s.padStart(colWidth[j] ?? 0)).join('  ')}`;
  const rows = cells.map(
    (row, i) => `  ${(names[i] ?? '').padEnd(nameWidth)}  ${row.map((cell, j) => cell.padStart(colWidth[j] ?? 0)).join('  ')}`,
  );
  return [header.trimEnd(), ...rows];
}
