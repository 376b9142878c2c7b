// The officers' ballot CSV (SPEC §6), read as bytes pushed in chunks: a header row of
// candidate IDs (or names, given the election's candidates), then one row per ballot
// whose cells are a positive integer rank or `No opinion` (an empty cell is unranked too). Rows end with LF or CRLF;
// the last may end without one. Anything else is refused with the row and column, so
// an officer can find the cell in a spreadsheet. Ranks are parsed from the bytes
// without building strings, and only the unfinished last line of a chunk is kept.
import { restoreFormula } from './csvFormula.js';
import { NO_OPINION_RANK } from '../ballot/rank.js';

export class BallotCsvError extends Error {
  constructor(
    message: string,
    /** 1-based row (line) of the file; the header is row 1. */
    readonly row: number,
    /** 1-based column, when one cell is at fault. */
    readonly column: number | null,
  ) {
    super(message);
    this.name = 'BallotCsvError';
  }
}

export interface CsvCandidate {
  id: string;
  name: string;
}

export interface BallotCsvOptions {
  /**
   * The election's candidates. When given, a header cell may name a candidate by ID
   * or by name (case-insensitively), and every candidate must have a column.
   * Without it, the header cells are taken as the candidate IDs.
   */
  candidates?: readonly CsvCandidate[];
}

/** Receives the parsed file: the header once, then each ballot. */
export interface BallotSink {
  header(candidates: readonly string[]): void;
  /** ranks[i] for candidate i: a positive rank, or 0 for no opinion. Reused between calls. */
  ballot(ranks: Int32Array): void;
}

const LF = 10;
const CR = 13;
const COMMA = 44;
const ZERO = 48;
const NINE = 57;
/** A longer row is not a ballot: most likely a file whose lines end in CR alone. */
const MAX_ROW_BYTES = 1 << 20;

/** `No opinion`, exactly as Elekto writes it: matched on bytes, as it fills many cells. */
const NO_OPINION_BYTES = Uint8Array.from('No opinion', (ch) => ch.charCodeAt(0));
const NO_OPINION_FIRST = 0x4e; // N
const INCOMPLETE = -1;
const SLOW = -2;

/** Whether the bytes at `at` spell `No opinion` (the caller checks what follows). */
function noOpinionAt(buf: Uint8Array, at: number): boolean {
  for (let k = 0; k < NO_OPINION_BYTES.length; k++) if (buf[at + k] !== NO_OPINION_BYTES[k]) return false;
  return true;
}

/** Whether the cell starting at `at` (its row ending at `end`) is exactly `No opinion`. */
function noOpinionCell(buf: Uint8Array, at: number, end: number): boolean {
  const after = at + NO_OPINION_BYTES.length;
  return after <= end && (after === end || buf[after] === COMMA) && noOpinionAt(buf, at);
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

function quote(text: string): string {
  return JSON.stringify(text);
}

/** Splits the header row, honouring RFC 4180 quotes so a name may hold a comma. */
export function splitHeader(line: string): string[] {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    let cell = '';
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (line[i] === '"') {
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new BallotCsvError(`row 1, column ${cells.length + 1}: a quoted header cell is never closed`, 1, cells.length + 1);
        cell += line.slice(i, q);
        i = q + 1;
        if (line[i] === '"') {
          cell += '"';
          i++;
        } else break;
      }
      const comma = line.indexOf(',', i);
      const rest = line.slice(i, comma < 0 ? line.length : comma);
      if (rest.trim() !== '') {
        throw new BallotCsvError(`row 1, column ${cells.length + 1}: unexpected text after a quoted header cell`, 1, cells.length + 1);
      }
      cells.push(cell);
      if (comma < 0) return cells;
      i = comma + 1;
    } else {
      const comma = line.indexOf(',', i);
      cells.push(line.slice(i, comma < 0 ? line.length : comma));
      if (comma < 0) return cells;
      i = comma + 1;
    }
  }
}

function normalise(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}

function looksLikeRank(cell: string): boolean {
  return /^\d+$/.test(cell) || normalise(cell) === 'no opinion';
}

/** Maps header cells to candidate IDs, or explains why the header is wrong. */
export function resolveHeader(cells: readonly string[], known: readonly CsvCandidate[] | undefined): string[] {
  // Scrutin writes a candidate ID that looks like a formula with an apostrophe first.
  const trimmed = cells.map((c) => restoreFormula(c.trim()));
  trimmed.forEach((cell, k) => {
    if (cell === '')
      throw new BallotCsvError(
        `row 1, column ${k + 1}: the header cell is empty; the first row must name a candidate in every column`,
        1,
        k + 1,
      );
  });
  if (trimmed.every(looksLikeRank)) {
    throw new BallotCsvError(
      `row 1: the first row must be a header of candidate IDs, but it holds ranks (${trimmed.slice(0, 3).map(quote).join(', ')}${trimmed.length > 3 ? ', …' : ''})`,
      1,
      null,
    );
  }
  let ids = trimmed;
  if (known !== undefined) {
    ids = trimmed.map((cell, k) => {
      const wanted = normalise(cell);
      const match =
        known.find((c) => c.id === cell) ??
        known.find((c) => c.id.toLowerCase() === cell.toLowerCase()) ??
        known.find((c) => normalise(c.name) === wanted);
      if (match === undefined) {
        const list = known.map((c) => c.id).join(', ');
        throw new BallotCsvError(
          `row 1, column ${k + 1} (${quote(cell)}): not a candidate of this election (candidates: ${list})`,
          1,
          k + 1,
        );
      }
      return match.id;
    });
  }
  const seen = new Map<string, number>();
  ids.forEach((id, k) => {
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      throw new BallotCsvError(
        `row 1, columns ${earlier + 1} and ${k + 1}: both are candidate ${quote(id)}; each candidate needs exactly one column`,
        1,
        k + 1,
      );
    }
    seen.set(id, k);
  });
  if (known !== undefined) {
    const missing = known.filter((c) => !seen.has(c.id));
    if (missing.length > 0) {
      throw new BallotCsvError(`row 1: no column for ${missing.map((c) => `${quote(c.id)} (${c.name})`).join(', ')}`, 1, null);
    }
  }
  return ids;
}

/**
 * The header of the last column of a published ballots CSV with receipt codes
 * (`ballot_receipts`): not a candidate, so the count skips it.
 */
export const RECEIPT_COLUMN = 'receipt';

export class BallotCsvParser {
  readonly #sink: BallotSink;
  /** The file ends each row with a receipt code (RECEIPT_COLUMN), not counted. */
  #receipts = false;
  readonly #known: readonly CsvCandidate[] | undefined;
  #columns: string[] = [];
  #ranks = new Int32Array(0);
  #carry: Uint8Array | null = null;
  /** Rows read so far, the header included. */
  #row = 0;
  /** First of the blank rows seen since the last ballot (allowed only at the end). */
  #blankFrom = 0;
  #headerDone = false;
  #ended = false;
  /** Empty ballot cells read as unranked (SPEC §10), and where the first one was. */
  #blankCells = 0;
  #firstBlank: { row: number; column: number } | null = null;

  constructor(sink: BallotSink, options: BallotCsvOptions = {}) {
    this.#sink = sink;
    this.#known = options.candidates;
  }

  /** Parses the complete rows in `chunk`; the unfinished last one waits for more. */
  push(chunk: Uint8Array): void {
    if (this.#ended) throw new Error('push() after end()');
    let start = 0;
    if (this.#carry !== null) {
      // Finish the row left over from the last chunk without copying this whole chunk.
      const lf = chunk.indexOf(LF);
      const head = this.#joinCarry(chunk.subarray(0, lf < 0 ? chunk.length : lf));
      if (lf < 0) {
        this.#carry = head;
        return;
      }
      this.#carry = null;
      this.#line(head, 0, head.length);
      start = lf + 1;
    }
    const length = chunk.length;
    while (start < length) {
      if (this.#headerDone && this.#blankFrom === 0) {
        const next = this.#quickBallot(chunk, start);
        if (next >= 0) {
          start = next;
          continue;
        }
        if (next === INCOMPLETE) break;
      }
      const lf = chunk.indexOf(LF, start);
      if (lf < 0) break;
      this.#line(chunk, start, lf);
      start = lf + 1;
    }
    // An explicit copy: the caller may reuse its buffer, and Buffer#slice would not copy.
    if (start < chunk.length) this.#carry = this.#joinCarry(chunk.subarray(start));
  }

  /** The unfinished row so far followed by `more`, in a new array. */
  #joinCarry(more: Uint8Array): Uint8Array {
    const before = this.#carry?.length ?? 0;
    if (before + more.length > MAX_ROW_BYTES) {
      throw new BallotCsvError(
        `row ${this.#row + 1} is longer than 1 MiB; rows must end with a line break (LF or CRLF)`,
        this.#row + 1,
        null,
      );
    }
    const joined = new Uint8Array(before + more.length);
    if (this.#carry !== null) joined.set(this.#carry);
    joined.set(more, before);
    return joined;
  }

  /** Finishes the file (a last row without a line break is fine). Returns the candidate IDs. */
  end(): readonly string[] {
    if (this.#ended) throw new Error('end() called twice');
    if (this.#carry !== null) {
      const last = this.#carry;
      this.#carry = null;
      this.#line(last, 0, last.length);
    }
    this.#ended = true;
    if (!this.#headerDone) {
      throw new BallotCsvError('the file is empty; expected a header row of candidate IDs, then one row per ballot', 1, null);
    }
    return this.#columns;
  }

  /** Rows read so far, the header included. */
  get rows(): number {
    return this.#row;
  }

  /**
   * Empty ballot cells, read as unranked as SPEC §10 says. A spreadsheet leaves a
   * cell empty where Elekto's download writes "No opinion"; callers say how many
   * there were, since an empty cell can also be a rank deleted by mistake.
   */
  get blanks(): { cells: number; first: { row: number; column: number } | null } {
    return { cells: this.#blankCells, first: this.#firstBlank };
  }

  #line(buf: Uint8Array, start: number, end: number): void {
    this.#row++;
    if (end > start && buf[end - 1] === CR) end--;
    if (!this.#headerDone) {
      this.#header(buf, start, end);
      return;
    }
    if (end === start) {
      if (this.#blankFrom === 0) this.#blankFrom = this.#row;
      return;
    }
    if (this.#blankFrom !== 0) {
      throw new BallotCsvError(`row ${this.#blankFrom} is empty; every row after the header must be a ballot`, this.#blankFrom, null);
    }
    this.#ballot(buf, start, end);
  }

  #header(buf: Uint8Array, start: number, end: number): void {
    if (this.#row === 1 && end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) start += 3;
    let text: string;
    try {
      text = fatalUtf8.decode(buf.subarray(start, end));
    } catch {
      throw new BallotCsvError('row 1: the header is not UTF-8 text', 1, null);
    }
    if (text.includes('\r')) throw new BallotCsvError('row 1: lines must end with LF or CRLF, not CR alone', 1, null);
    if (text.trim() === '') {
      throw new BallotCsvError(`row ${this.#row} is empty; the first row must be a header of candidate IDs`, this.#row, null);
    }
    const cells = splitHeader(text);
    const last = cells.length > 1 ? cells[cells.length - 1]?.trim().toLowerCase() : undefined;
    if (last === RECEIPT_COLUMN) {
      this.#receipts = true;
      cells.pop();
    }
    this.#columns = resolveHeader(cells, this.#known);
    this.#ranks = new Int32Array(this.#columns.length);
    this.#headerDone = true;
    this.#sink.header(this.#columns);
  }

  #ballot(buf: Uint8Array, start: number, end: number): void {
    const ranks = this.#ranks;
    const n = ranks.length;
    let col = 0;
    let i = start;
    for (;;) {
      // Fast path: a cell of at most nine digits and nothing else.
      let value = 0;
      let j = i;
      let c = 0;
      while (j < end && (c = buf[j] ?? 0) >= ZERO && c <= NINE) {
        value = value * 10 + (c - ZERO);
        j++;
      }
      let rank: number;
      if ((j === end || c === COMMA) && j > i && j - i <= 9 && value > 0 && value <= NO_OPINION_RANK) {
        rank = value === NO_OPINION_RANK ? 0 : value;
      } else if (j === i && c === NO_OPINION_FIRST && noOpinionCell(buf, i, end)) {
        rank = 0;
        j = i + NO_OPINION_BYTES.length;
      } else {
        const comma = buf.indexOf(COMMA, j);
        j = comma < 0 || comma > end ? end : comma;
        if (col < n) rank = this.#slowCell(buf, i, j, col);
        else rank = 0;
      }
      if (col >= n) this.#cellCount(buf, start, end);
      ranks[col++] = rank;
      // The receipt code after the last candidate: whatever it holds, it is not a rank.
      if (col === n && this.#receipts && j < end) break;
      if (j >= end) break;
      i = j + 1;
    }
    if (col !== n) this.#cellCount(buf, start, end);
    this.#sink.ballot(ranks);
  }

  /**
   * The common case in one pass over the bytes: a row of plain ranks and `No opinion`
   * ending in LF or CRLF. Returns the index after the row; INCOMPLETE when the chunk
   * ends first; SLOW for anything else, which #line then parses with full checks and
   * messages (nothing is counted until a row is known to be good).
   */
  #quickBallot(buf: Uint8Array, start: number): number {
    if (this.#receipts) return SLOW;
    const ranks = this.#ranks;
    const n = ranks.length;
    const length = buf.length;
    let col = 0;
    let i = start;
    for (;;) {
      let value = 0;
      let j = i;
      let c = 0;
      while (j < length) {
        c = buf[j] ?? 0;
        if (c < ZERO || c > NINE) break;
        value = value * 10 + (c - ZERO);
        j++;
      }
      if (j === length) return INCOMPLETE;
      if (j === i) {
        if (c !== NO_OPINION_FIRST) return SLOW;
        j += NO_OPINION_BYTES.length;
        if (j >= length) return INCOMPLETE;
        if (!noOpinionAt(buf, i)) return SLOW;
        c = buf[j] ?? 0;
      } else {
        if (j - i > 9 || value === 0 || value > NO_OPINION_RANK) return SLOW;
        if (value === NO_OPINION_RANK) value = 0;
      }
      if (col === n) return SLOW;
      ranks[col++] = value;
      if (c === COMMA) {
        i = j + 1;
        continue;
      }
      if (c === CR) {
        if (j + 1 === length) return INCOMPLETE;
        if (buf[j + 1] !== LF) return SLOW;
        j++;
      } else if (c !== LF) {
        return SLOW;
      }
      if (col !== n) return SLOW;
      this.#row++;
      this.#sink.ballot(ranks);
      return j + 1;
    }
  }

  #where(col: number): string {
    return `row ${this.#row}, column ${col + 1} (${quote(this.#columns[col] ?? '')})`;
  }

  /** A cell the fast path did not accept: a valid rank in another spelling, or an error. */
  #slowCell(buf: Uint8Array, start: number, end: number, col: number): number {
    const raw = lenientUtf8.decode(buf.subarray(start, end));
    let text = raw.trim();
    if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1).replaceAll('""', '"').trim();
    const fail = (why: string): never => {
      throw new BallotCsvError(`${this.#where(col)}: ${why}`, this.#row, col + 1);
    };
    if (text === '') {
      this.#blankCells++;
      this.#firstBlank ??= { row: this.#row, column: col + 1 };
      return 0;
    }
    if (normalise(text) === 'no opinion') return 0;
    if (/^\d+$/.test(text)) {
      const value = Number(text);
      if (value === 0) return fail('rank 0 is not allowed; ranks are whole numbers from 1 (1 = most preferred)');
      if (value === NO_OPINION_RANK) return 0;
      if (value > NO_OPINION_RANK) return fail(`rank ${text} is too large; ranks go up to ${NO_OPINION_RANK - 1}`);
      return value;
    }
    if (/^-\s*\d+(\.\d*)?$/.test(text)) return fail(`rank ${quote(text)} is negative; ranks are whole numbers from 1 (1 = most preferred)`);
    if (/^\+?(\d+[.,]\d*|[.,]\d+)$/.test(text) || /^\d+(\.\d+)?e[+-]?\d+$/i.test(text)) {
      return fail(`rank ${quote(text)} is not a whole number; ranks are whole numbers from 1 (1 = most preferred)`);
    }
    if (raw.includes('\r')) return fail('the cell holds a carriage return; lines must end with LF or CRLF, not CR alone');
    return fail(`${quote(text)} is not a rank; expected a whole number from 1 (1 = most preferred) or "No opinion"`);
  }

  #cellCount(buf: Uint8Array, start: number, end: number): never {
    let cells = 1;
    for (let k = start; k < end; k++) if (buf[k] === COMMA) cells++;
    const n = this.#ranks.length;
    const expected = `the header has ${n} column${n === 1 ? '' : 's'}`;
    if (cells < n) {
      throw new BallotCsvError(
        `row ${this.#row} has ${cells} cell${cells === 1 ? '' : 's'} but ${expected}; column ${cells + 1} (${quote(this.#columns[cells] ?? '')}) is missing`,
        this.#row,
        cells + 1,
      );
    }
    throw new BallotCsvError(`row ${this.#row} has ${cells} cells but ${expected}; column ${n + 1} has no candidate`, this.#row, n + 1);
  }
}
