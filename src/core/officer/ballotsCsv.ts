// The officers' ballot download (SPEC §6), written so that `scrutin tally` reads it
// back unchanged: a header of candidate IDs, one row per ballot, each cell a rank or
// `No opinion`, CRLF line ends (RFC 4180, which spreadsheets expect). Every CSV the
// server writes goes through csvCell, so none can carry a spreadsheet formula.
import { isNoOpinion } from '../ballot/rank.js';
import { neutraliseFormula } from '../tally/csvFormula.js';

export const NO_OPINION_CELL = 'No opinion';
export const CSV_EOL = '\r\n';

/**
 * A CSV cell, quoted only when it must be (a comma, a quote, a line break, edge
 * spaces), and never a formula: a cell a spreadsheet would evaluate gets an
 * apostrophe first and is quoted (OWASP's advice; see csvFormula.ts).
 */
export function csvCell(text: string): string {
  const safe = neutraliseFormula(text);
  if (safe === text && !/[",\r\n]/.test(text) && text.trim() === text) return text;
  return `"${safe.replaceAll('"', '""')}"`;
}

/** Candidate IDs in the download's stable column order: by code unit, as the count sorts them. */
export function columnOrder(ids: Iterable<string>): string[] {
  return [...new Set(ids)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function csvHeader(columns: readonly string[]): string {
  return columns.map(csvCell).join(',');
}

/**
 * One ballot as a CSV line over `columns`. A candidate without a row on the ballot,
 * or stored with Elekto's no-opinion rank, is `No opinion`.
 */
export function csvBallotLine(columns: readonly string[], rows: ReadonlyArray<{ candidate: string; rank: number }>): string {
  const ranks = new Map(rows.map((r) => [r.candidate, r.rank]));
  return columns
    .map((id) => {
      const rank = ranks.get(id);
      return rank === undefined || isNoOpinion(rank) ? NO_OPINION_CELL : String(rank);
    })
    .join(',');
}

/**
 * One approval ballot as a CSV line over `columns` (SPEC §10): `1` for each approved
 * candidate (stored with a rank), an empty cell for the others.
 */
export function csvApprovalLine(columns: readonly string[], rows: ReadonlyArray<{ candidate: string; rank: number }>): string {
  const approved = new Set(rows.filter((r) => !isNoOpinion(r.rank)).map((r) => r.candidate));
  return columns.map((id) => (approved.has(id) ? '1' : '')).join(',');
}

/**
 * Fisher–Yates. `randomBelow(n)` must return a uniformly random integer in [0, n);
 * the caller passes a cryptographic source, so the order says nothing about casting.
 */
export function shuffle<T>(items: T[], randomBelow: (n: number) => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomBelow(i + 1);
    const a = items[i] as T;
    items[i] = items[j] as T;
    items[j] = a;
  }
  return items;
}
