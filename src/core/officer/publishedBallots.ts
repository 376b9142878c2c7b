// Reading a published ballots CSV back, ballot by ballot with its receipt code: for the
// public list of ballots and for `scrutin verify`. Counting goes through the tally's
// own parser (csv.ts); this one only finds and shows ballots, and is strict about what
// it shows: a cell that is not a rank or `No opinion` is an error, with its row.
import { isNoOpinion } from '../ballot/rank.js';
import { normalizeReceipt } from '../ballot/receipt.js';
import { RECEIPT_COLUMN, splitHeader } from '../tally/csv.js';
import { restoreFormula } from '../tally/csvFormula.js';

export interface PublishedBallot {
  /** Per candidate column: the rank, or null for no opinion. */
  ranks: Array<number | null>;
  /** Canonical receipt code, or null when the file has none for this ballot. */
  receipt: string | null;
}

export interface PublishedBallots {
  /** Candidate IDs, in column order. */
  candidates: string[];
  hasReceipts: boolean;
  ballots: PublishedBallot[];
}

export class PublishedCsvError extends Error {
  constructor(
    message: string,
    readonly row: number,
  ) {
    super(`row ${row}: ${message}`);
    this.name = 'PublishedCsvError';
  }
}

function cellText(raw: string): string {
  let t = raw.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) t = t.slice(1, -1).replaceAll('""', '"').trim();
  return t;
}

export function parsePublishedBallots(text: string): PublishedBallots {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const headerLine = lines[0];
  if (headerLine === undefined || headerLine.trim() === '') throw new PublishedCsvError('the file is empty; expected a header row', 1);
  const header = splitHeader(headerLine).map((c) => restoreFormula(c.trim()));
  const hasReceipts = header.length > 1 && header[header.length - 1]?.toLowerCase() === RECEIPT_COLUMN;
  const candidates = hasReceipts ? header.slice(0, -1) : header;
  const ballots: PublishedBallot[] = [];
  lines.slice(1).forEach((line, k) => {
    const row = k + 2;
    // Ballot rows hold ranks, `No opinion` and a receipt code: never a quoted comma.
    const cells = line.split(',');
    if (cells.length !== header.length) throw new PublishedCsvError(`${cells.length} cells, but the header has ${header.length}`, row);
    const ranks = candidates.map((_, i) => {
      const t = cellText(cells[i] ?? '');
      if (t.toLowerCase() === 'no opinion') return null;
      if (!/^\d{1,9}$/.test(t) || Number(t) === 0) throw new PublishedCsvError(`column ${i + 1}: "${t}" is not a rank`, row);
      return isNoOpinion(Number(t)) ? null : Number(t);
    });
    const code = hasReceipts ? cellText(cells[cells.length - 1] ?? '') : '';
    ballots.push({ ranks, receipt: code === '' ? null : normalizeReceipt(code) });
  });
  return { candidates, hasReceipts, ballots };
}

/** The ballots of the file carrying `receipt` (normally one; more would mean a forged file). */
export function ballotsWithReceipt(file: PublishedBallots, receipt: string): PublishedBallot[] {
  return file.ballots.filter((b) => b.receipt === receipt);
}
