// Ranked ballots as preference lists, for the counts that read a ballot in order
// (STV, instant-runoff) rather than pair by pair (Schulze). Identical lists are kept
// once with a count, so memory grows with the distinct ballots, not the voters.
//
// A ballot is read best rank first. Candidates sharing a rank cannot be put in order,
// so the ballot stops there, as a paper with the same preference written twice is
// read in an STV count: a shared first preference makes the ballot unusable (counted
// in `ambiguousFirst`), a shared later one ends it (counted in `truncated`). Gaps in
// the numbers (1, 3, 4) do not matter. Ballots ranking nobody are counted in `empty`.
import { BallotCsvParser, type BallotCsvOptions } from './csv.js';
import { NO_OPINION_RANK } from '../ballot/rank.js';

export interface PreferenceList {
  /** Candidate indices, most preferred first. */
  prefs: Int32Array;
  /** How many ballots hold exactly this list. */
  count: number;
}

export interface RankedBallots {
  candidates: readonly string[];
  /** Every ballot read, usable or not. */
  ballots: number;
  /** Usable ballots, grouped: the "valid papers" of an STV count. */
  lists: PreferenceList[];
  empty: number;
  ambiguousFirst: number;
  truncated: number;
}

export class RankedBallotCollector {
  readonly #candidates: readonly string[];
  readonly #lists = new Map<string, PreferenceList>();
  #ballots = 0;
  #empty = 0;
  #ambiguousFirst = 0;
  #truncated = 0;
  readonly #order: number[] = [];

  constructor(candidates: readonly string[]) {
    this.#candidates = [...candidates];
  }

  /** ranks[i] for candidate i: a positive rank, or 0 / NO_OPINION_RANK for no opinion. */
  add(ranks: ArrayLike<number>): void {
    this.#ballots++;
    const order = this.#order;
    order.length = 0;
    for (let i = 0; i < ranks.length; i++) {
      const r = ranks[i] ?? 0;
      if (r > 0 && r !== NO_OPINION_RANK) order.push(i);
    }
    if (order.length === 0) {
      this.#empty++;
      return;
    }
    order.sort((a, b) => (ranks[a] ?? 0) - (ranks[b] ?? 0) || a - b);
    let end = order.length;
    for (let k = 1; k < order.length; k++) {
      if (ranks[order[k] ?? 0] === ranks[order[k - 1] ?? 0]) {
        end = k - 1;
        break;
      }
    }
    if (end === 0) {
      this.#ambiguousFirst++;
      return;
    }
    if (end < order.length) this.#truncated++;
    const prefs = Int32Array.from(order.slice(0, end));
    const key = prefs.join(',');
    const list = this.#lists.get(key);
    if (list === undefined) this.#lists.set(key, { prefs, count: 1 });
    else list.count++;
  }

  result(): RankedBallots {
    return {
      candidates: this.#candidates,
      ballots: this.#ballots,
      lists: [...this.#lists.values()],
      empty: this.#empty,
      ambiguousFirst: this.#ambiguousFirst,
      truncated: this.#truncated,
    };
  }
}

/** Reads a ranked ballot CSV (the Schulze format) pushed in chunks into preference lists. */
export class CsvRankedBallots {
  readonly #parser: BallotCsvParser;
  #collector: RankedBallotCollector | null = null;

  constructor(options: BallotCsvOptions = {}) {
    this.#parser = new BallotCsvParser(
      {
        header: (candidates) => {
          this.#collector = new RankedBallotCollector(candidates);
        },
        ballot: (ranks) => {
          this.#collector?.add(ranks);
        },
      },
      options,
    );
  }

  push(chunk: Uint8Array): void {
    this.#parser.push(chunk);
  }

  end(): RankedBallots {
    this.#parser.end();
    if (this.#collector === null) throw new Error('the CSV parser ended without a header');
    return this.#collector.result();
  }

  /** Empty cells read as unranked (after end()). */
  get blanks(): BallotCsvParser['blanks'] {
    return this.#parser.blanks;
  }
}

/** Preference lists from ballots given as rank arrays (tests, stored ballots). */
export function rankedBallots(candidates: readonly string[], ballots: Iterable<ArrayLike<number>>): RankedBallots {
  const collector = new RankedBallotCollector(candidates);
  for (const ranks of ballots) collector.add(ranks);
  return collector.result();
}

/** Preference lists from ballots written as orders of candidate IDs (`[['a', 'b'], 3]` = 3 ballots a > b). */
export function ballotsFromOrders(candidates: readonly string[], orders: readonly (readonly [readonly string[], number])[]): RankedBallots {
  const index = new Map(candidates.map((id, i) => [id, i]));
  const collector = new RankedBallotCollector(candidates);
  for (const [order, count] of orders) {
    const ranks = new Int32Array(candidates.length);
    order.forEach((id, k) => {
      const i = index.get(id);
      if (i === undefined) throw new RangeError(`"${id}" is not a candidate`);
      ranks[i] = k + 1;
    });
    for (let c = 0; c < count; c++) collector.add(ranks);
  }
  return collector.result();
}
