// Streams a ballot CSV straight into a pairwise counter: memory depends on the
// number of candidates, never on the number of ballots.
import { BallotCsvParser, type BallotCsvOptions } from './csv.js';
import { PairwiseCounter } from './pairwise.js';
import { tally, type TallyResult } from './tally.js';

export interface CountedCsv {
  /** Candidate IDs in column order. */
  candidates: readonly string[];
  counter: PairwiseCounter;
  /** Empty cells read as unranked, and the first of them. */
  blanks: BallotCsvParser['blanks'];
}

export class CsvBallotCount {
  readonly #parser: BallotCsvParser;
  #counter: PairwiseCounter | null = null;

  constructor(options: BallotCsvOptions = {}) {
    this.#parser = new BallotCsvParser(
      {
        header: (candidates) => {
          this.#counter = new PairwiseCounter(candidates.length);
        },
        ballot: (ranks) => {
          this.#counter?.addRanks(ranks);
        },
      },
      options,
    );
  }

  push(chunk: Uint8Array): void {
    this.#parser.push(chunk);
  }

  end(): CountedCsv {
    const candidates = this.#parser.end();
    if (this.#counter === null) throw new Error('the CSV parser ended without a header');
    return { candidates, counter: this.#counter, blanks: this.#parser.blanks };
  }
}

/** Counts a whole CSV already in memory (an upload, a test). */
export function countCsv(content: string | Uint8Array, options: BallotCsvOptions = {}): CountedCsv {
  const count = new CsvBallotCount(options);
  count.push(typeof content === 'string' ? new TextEncoder().encode(content) : content);
  return count.end();
}

export function tallyCsv(content: string | Uint8Array, seats = 1, options: BallotCsvOptions = {}): TallyResult {
  const { candidates, counter } = countCsv(content, options);
  return tally(candidates, counter, seats);
}
