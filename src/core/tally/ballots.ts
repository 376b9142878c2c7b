// Ballots as the rest of the application holds them — candidate ID → rank — turned
// into the counter's index-based rows. This is where names meet indices.
import { NO_OPINION_RANK, PairwiseCounter } from './pairwise.js';
import { tally, type TallyResult } from './tally.js';

/** A rank as written on a ballot: a positive integer, or no opinion. */
export type RankValue = number | null | undefined | 'No opinion';
/** One ballot: candidate ID → rank. A candidate that is absent has no opinion. */
export type BallotInput = ReadonlyMap<string, RankValue> | Readonly<Record<string, RankValue>>;

const UNSEEN = -1;

/** One row of Elekto's `ballot` table. */
export interface StoredBallotRow {
  voter: string;
  candidate: string;
  rank: number;
}

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
 * Counts rows of Elekto's `ballot` table (one row per ranked candidate, grouped by
 * the random voter identifier), in any order. A rank of NO_OPINION_RANK is no
 * opinion. Memory grows with the number of voters, which a database holds anyway.
 */
export function countStoredBallots(candidates: readonly string[], rows: Iterable<StoredBallotRow>): PairwiseCounter {
  const index = indexOf(candidates);
  const byVoter = new Map<string, Float64Array>();
  for (const row of rows) {
    const i = index.get(row.candidate);
    if (i === undefined) throw new BallotError(`a stored ballot ranks "${row.candidate}", who is not a candidate of this election`);
    let ranks = byVoter.get(row.voter);
    if (ranks === undefined) {
      ranks = new Float64Array(candidates.length).fill(UNSEEN);
      byVoter.set(row.voter, ranks);
    } else if (ranks[i] !== UNSEEN) {
      throw new BallotError(`a stored ballot ranks "${row.candidate}" twice`);
    }
    // A stored no-opinion row still marks the ballot as seen, so the voter counts.
    ranks[i] = toRank(row.rank, row.candidate);
  }
  const counter = new PairwiseCounter(candidates.length);
  for (const ranks of byVoter.values()) counter.addRanks(ranks.map((r) => (r === UNSEEN ? 0 : r)));
  return counter;
}
