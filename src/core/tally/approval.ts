// Approval voting: each ballot approves any number of candidates (at most
// `max_selections` when the election sets it); a candidate's score is the number of
// ballots approving them. Candidates with equal scores are tied, and seats are filled
// down the ranking exactly as for Schulze (ties reported or broken by the declared
// tie-break, affiliation caps applied: src/core/governance/seats.ts).
//
// The CSV keeps the officers' download shape: a header of candidate IDs, then one row
// per ballot whose cells are `1` (approved) or blank / `0` (not approved). It is read
// as text pushed in chunks, one row at a time, so memory does not grow with the file.
import { noRules, seatCandidates, type SeatRules, type Seating } from '../governance/seats.js';
import { BallotCsvError, RECEIPT_COLUMN, resolveHeader, splitHeader, type CsvCandidate } from './csv.js';

export interface ApprovalCount {
  candidates: readonly string[];
  /** Every ballot, blank ones included. */
  ballots: number;
  /** Ballots approving nobody. */
  blank: number;
  /** approvals[i]: ballots approving candidate i. */
  approvals: number[];
}

export interface ApprovalCsvOptions {
  candidates?: readonly CsvCandidate[];
  /** A ballot approving more candidates is refused (the voting page never accepts one). */
  maxSelections?: number | null;
}

/** Where the first byte that cannot be UTF-8 is (a sequence cut by the chunk's end is not one). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i] ?? 0;
    const extra = b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
    if (extra < 0) return i;
    for (let k = 1; k <= extra; k++) {
      if (i + k >= bytes.length) return bytes.length;
      if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    }
    i += extra + 1;
  }
  return bytes.length;
}

function linesBefore(bytes: Uint8Array, end: number): number {
  let lines = 0;
  for (let i = 0; i < end; i++) if (bytes[i] === 0x0a) lines++;
  return lines;
}

/** A longer row is not a ballot: most likely a file whose lines end in CR alone. */
const MAX_ROW_CHARS = 1 << 20;

export class ApprovalCsvParser {
  readonly #options: ApprovalCsvOptions;
  readonly #decoder = new TextDecoder('utf-8', { fatal: true });
  #carry = '';
  #row = 0;
  #blankFrom = 0;
  #columns: string[] | null = null;
  /** The file ends each row with a receipt code (a published file with receipts), not counted. */
  #receipts = false;
  #count: ApprovalCount | null = null;
  #ended = false;

  constructor(options: ApprovalCsvOptions = {}) {
    this.#options = options;
  }

  push(chunk: Uint8Array): void {
    if (this.#ended) throw new Error('push() after end()');
    let text: string;
    try {
      text = this.#decoder.decode(chunk, { stream: true });
    } catch {
      const row = this.#row + 1 + linesBefore(chunk, firstInvalidUtf8(chunk));
      throw new BallotCsvError(`row ${row} is not UTF-8 text`, row, null);
    }
    let start = 0;
    const all = this.#carry + text;
    for (let lf = all.indexOf('\n'); lf >= 0; lf = all.indexOf('\n', start)) {
      this.#line(all.slice(start, lf));
      start = lf + 1;
    }
    this.#carry = all.slice(start);
    if (this.#carry.length > MAX_ROW_CHARS) {
      throw new BallotCsvError(
        `row ${this.#row + 1} is longer than 1 MiB; rows must end with a line break (LF or CRLF)`,
        this.#row + 1,
        null,
      );
    }
  }

  end(): ApprovalCount {
    if (this.#ended) throw new Error('end() called twice');
    try {
      this.#carry += this.#decoder.decode();
    } catch {
      throw new BallotCsvError(`row ${this.#row + 1} is not UTF-8 text`, this.#row + 1, null);
    }
    if (this.#carry !== '') this.#line(this.#carry);
    this.#carry = '';
    this.#ended = true;
    if (this.#count === null)
      throw new BallotCsvError('the file is empty; expected a header row of candidate IDs, then one row per ballot', 1, null);
    return this.#count;
  }

  #line(raw: string): void {
    this.#row++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.includes('\r')) throw new BallotCsvError(`row ${this.#row}: lines must end with LF or CRLF, not CR alone`, this.#row, null);
    if (this.#columns === null) {
      const header = this.#row === 1 && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
      if (header.trim() === '')
        throw new BallotCsvError(`row ${this.#row} is empty; the first row must be a header of candidate IDs`, this.#row, null);
      const cells = splitHeader(header);
      if (cells.length > 1 && cells[cells.length - 1]?.trim().toLowerCase() === RECEIPT_COLUMN) {
        this.#receipts = true;
        cells.pop();
      }
      this.#columns = resolveHeader(cells, this.#options.candidates);
      this.#count = { candidates: this.#columns, ballots: 0, blank: 0, approvals: new Array<number>(this.#columns.length).fill(0) };
      return;
    }
    if (line === '') {
      if (this.#blankFrom === 0) this.#blankFrom = this.#row;
      return;
    }
    if (this.#blankFrom !== 0)
      throw new BallotCsvError(`row ${this.#blankFrom} is empty; every row after the header must be a ballot`, this.#blankFrom, null);
    this.#ballot(line);
  }

  #ballot(line: string): void {
    const columns = this.#columns ?? [];
    const count = this.#count;
    if (count === null) return;
    const cells = line.split(',');
    // The receipt code after the last candidate is not an approval.
    if (this.#receipts && cells.length === columns.length + 1) cells.pop();
    const n = columns.length;
    if (cells.length !== n) {
      const expected = `the header has ${n} column${n === 1 ? '' : 's'}`;
      if (cells.length < n) {
        throw new BallotCsvError(
          `row ${this.#row} has ${cells.length} cell${cells.length === 1 ? '' : 's'} but ${expected}; column ${cells.length + 1} (${JSON.stringify(columns[cells.length] ?? '')}) is missing`,
          this.#row,
          cells.length + 1,
        );
      }
      throw new BallotCsvError(
        `row ${this.#row} has ${cells.length} cells but ${expected}; column ${n + 1} has no candidate`,
        this.#row,
        n + 1,
      );
    }
    const approved: number[] = [];
    cells.forEach((raw, i) => {
      let cell = raw.trim();
      if (cell.length >= 2 && cell.startsWith('"') && cell.endsWith('"')) cell = cell.slice(1, -1).trim();
      if (cell === '1') approved.push(i);
      else if (cell !== '' && cell !== '0') {
        throw new BallotCsvError(
          `row ${this.#row}, column ${i + 1} (${JSON.stringify(columns[i] ?? '')}): ${JSON.stringify(cell)} is not an approval; write 1 (approved) or leave the cell blank (or 0)`,
          this.#row,
          i + 1,
        );
      }
    });
    const max = this.#options.maxSelections;
    if (max !== null && max !== undefined && approved.length > max) {
      throw new BallotCsvError(
        `row ${this.#row} approves ${approved.length} candidates but at most ${max} may be approved (max_selections)`,
        this.#row,
        null,
      );
    }
    count.ballots++;
    if (approved.length === 0) count.blank++;
    for (const i of approved) count.approvals[i] = (count.approvals[i] ?? 0) + 1;
  }
}

/** Counts a whole approval CSV already in memory. */
export function countApprovalCsv(content: string | Uint8Array, options: ApprovalCsvOptions = {}): ApprovalCount {
  const parser = new ApprovalCsvParser(options);
  parser.push(typeof content === 'string' ? new TextEncoder().encode(content) : content);
  return parser.end();
}

/** Counts approval ballots given as the sets of candidate IDs each approves. */
export function countApprovals(
  candidates: readonly string[],
  ballots: Iterable<Iterable<string>>,
  maxSelections: number | null = null,
): ApprovalCount {
  const index = new Map(candidates.map((id, i) => [id, i]));
  const count: ApprovalCount = {
    candidates: [...candidates],
    ballots: 0,
    blank: 0,
    approvals: new Array<number>(candidates.length).fill(0),
  };
  for (const ballot of ballots) {
    const approved = new Set<number>();
    for (const id of ballot) {
      const i = index.get(id);
      if (i === undefined) throw new RangeError(`a ballot approves "${id}", who is not a candidate`);
      approved.add(i);
    }
    if (maxSelections !== null && approved.size > maxSelections)
      throw new RangeError(`a ballot approves ${approved.size} candidates but at most ${maxSelections} may be approved`);
    count.ballots++;
    if (approved.size === 0) count.blank++;
    for (const i of approved) count.approvals[i] = (count.approvals[i] ?? 0) + 1;
  }
  return count;
}

export interface ApprovalResult {
  method: 'approval';
  candidates: readonly string[];
  seats: number;
  ballots: number;
  blank: number;
  maxSelections: number | null;
  approvals: number[];
  /** Groups of candidate IDs with equal approvals, most approved first; IDs in order within a group. */
  ranking: string[][];
  seating: Seating;
}

/** The ranking by approvals (ties grouped), and the seats filled from it under `rules`. */
export function approvalResult(
  count: ApprovalCount,
  seats: number,
  rules: SeatRules = noRules(),
  maxSelections: number | null = null,
): ApprovalResult {
  const byScore = new Map<number, string[]>();
  count.candidates.forEach((id, i) => {
    const score = count.approvals[i] ?? 0;
    byScore.set(score, [...(byScore.get(score) ?? []), id]);
  });
  const ranking = [...byScore.entries()].sort((a, b) => b[0] - a[0]).map(([, ids]) => ids.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    method: 'approval',
    candidates: count.candidates,
    seats,
    ballots: count.ballots,
    blank: count.blank,
    maxSelections,
    approvals: [...count.approvals],
    ranking,
    seating: seatCandidates(ranking, seats, rules),
  };
}
