// Ballots as the rest of the application holds them — candidate ID → rank — turned
// into the counter's index-based rows. This is where names meet indices.
import { expressesPreference, isNoOpinion, NO_OPINION_RANK } from '../ballot/rank.js';
import { PairwiseCounter } from './pairwise.js';
import { tally, type TallyResult } from './tally.js';

/** A rank as written on a ballot: a positive integer, or no opinion. */
export type RankValue = number | null | undefined | 'No opinion';
/** One ballot: candidate ID → rank. A candidate that is absent has no opinion. */
export type BallotInput = ReadonlyMap<string, RankValue> | Readonly<Record<string, RankValue>>;

export class BallotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BallotError';
  }
}

function indexOf(candidates: readonly string[]): Map<string, number> {
  const index = new Map<string, number>();
  candidates.forEach((id, i) => {
    if (index.has(id)) throw new BallotError(`candidate "${id}" is listed twice`);
    index.set(id, i);
  });
  return index;
}

function toRank(value: RankValue, candidate: string): number {
  if (value === null || value === undefined || value === 'No opinion' || value === NO_OPINION_RANK) return 0;
  if (!Number.isInteger(value) || value < 1 || value > NO_OPINION_RANK) {
    throw new BallotError(`rank ${String(value)} for candidate "${candidate}" is not a whole number from 1`);
  }
  return value;
}

function entriesOf(ballot: BallotInput): Iterable<[string, RankValue]> {
  return ballot instanceof Map ? ballot.entries() : Object.entries(ballot as Readonly<Record<string, RankValue>>);
}

/** Counts ballots given as candidate → rank. An unknown candidate ID is an error. */
export function countBallots(candidates: readonly string[], ballots: Iterable<BallotInput>): PairwiseCounter {
  const index = indexOf(candidates);
  const counter = new PairwiseCounter(candidates.length);
  const ranks = new Float64Array(candidates.length);
  for (const ballot of ballots) {
    ranks.fill(0);
    for (const [candidate, value] of entriesOf(ballot)) {
      const i = index.get(candidate);
      if (i === undefined) throw new BallotError(`a ballot ranks "${candidate}", who is not a candidate`);
      ranks[i] = toRank(value, candidate);
    }
    counter.addRanks(ranks);
  }
  return counter;
}

/** Counts ballots given as candidate → rank and computes the result. */
export function tallyBallots(candidates: readonly string[], ballots: Iterable<BallotInput>, seats = 1): TallyResult {
  return tally(candidates, countBallots(candidates, ballots), seats);
}

/**
 * Adds stored ballots (the rows of one ballot: candidate ID → stored rank) to a
 * pairwise counter, and counts the abstentions among them: the officers' count, its
 * JSON download and `scrutin tally --election` all add ballots up here. A row of a
 * candidate not in `candidates` is left out (the caller refuses such ballots first);
 * NO_OPINION_RANK or a rank below 1 is no opinion.
 */
export class StoredBallotCount {
  readonly counter: PairwiseCounter;
  /** Ballots that prefer no candidate to another (all unranked, or all equal). */
  abstentions = 0;
  readonly #index: Map<string, number>;
  readonly #ranks: Float64Array;

  constructor(readonly candidates: readonly string[]) {
    this.#index = indexOf(candidates);
    this.counter = new PairwiseCounter(candidates.length);
    this.#ranks = new Float64Array(candidates.length);
  }

  add(rows: Iterable<{ candidate: string; rank: number }>): void {
    const ranks = this.#ranks;
    ranks.fill(0);
    for (const r of rows) {
      const i = this.#index.get(r.candidate);
      if (i === undefined || isNoOpinion(r.rank)) continue;
      ranks[i] = r.rank;
    }
    if (!expressesPreference(ranks)) this.abstentions++;
    this.counter.addRanks(ranks);
  }
}
