// The whole count: from a filled pairwise matrix and the candidates' IDs to the
// ranking, the winners for the seats, the ties officers must break, and the reasons.
import { comparePairs, type Comparison } from './explain.js';
import { beatenByCounts, directLinks, fillSeats, rankGroups, widestPaths, type SeatTie } from './schulze.js';

export interface TallyResult {
  /** Candidate IDs; every index below refers to this array. */
  candidates: readonly string[];
  seats: number;
  /** Ballots counted, including those expressing no preference. */
  ballots: number;
  /** Pairwise matrix, n×n flat: `d[x*n+y]` = ballots ranking x above y. */
  d: Uint32Array;
  /** Strongest paths, n×n flat: `p[x*n+y]` = strength of the strongest path x→y (0 = none). */
  p: Uint32Array;
  /** How many candidates beat each candidate. */
  beatenBy: Uint32Array;
  /** Groups of tied candidates, best first; within a group, in ID order. */
  ranking: number[][];
  /** Elected candidates in ranking order. */
  winners: number[];
  /** The tie straddling the last seat, if any (no winner is named for its seats). */
  ties: SeatTie[];
  /** Seats nobody can fill because there are fewer candidates than seats. */
  vacantSeats: number;
  explanation: {
    /** Each pair within a tied group, and each pair across two consecutive groups. */
    adjacent: Comparison[];
    /** Each winner against each candidate not elected. */
    winners: Comparison[];
  };
}

/**
 * What the count needs from the ballots: the pairwise matrix and how many were counted.
 * A PairwiseCounter is one; so is a matrix sent to a worker thread.
 */
export interface PairwiseCounts {
  /** Number of candidates. */
  readonly size: number;
  /** n×n flat: `d[x*n+y]` = ballots ranking x above y. */
  readonly d: Uint32Array;
  readonly ballots: number;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Candidate indices in ID order: a fixed order independent of input order, so ties
 * list members and explanations pick among equally strong chains the same way
 * however the columns were arranged.
 */
function idOrder(candidates: readonly string[]): Int32Array {
  return Int32Array.from(candidates.keys()).sort((x, y) => compareIds(candidates[x] ?? '', candidates[y] ?? ''));
}

/**
 * Comparisons of further pairs of a result, made as its `explanation` is (e.g. each
 * winner seated under an election's rules against each candidate not seated).
 */
export function explainPairs(result: TallyResult, pairs: readonly (readonly [number, number])[]): Comparison[] {
  const n = result.candidates.length;
  return comparePairs(result.d, directLinks(result.d, n), result.p, n, idOrder(result.candidates), pairs);
}

/** Counts the election. `seats` is the election's `no_winners`. */
export function tally(candidates: readonly string[], counter: PairwiseCounts, seats = 1): TallyResult {
  const n = candidates.length;
  if (n !== counter.size) throw new RangeError(`${n} candidate IDs for a count over ${counter.size} candidates`);
  if (!Number.isInteger(seats) || seats < 1) throw new RangeError(`the number of seats must be a whole number from 1, got ${seats}`);
  if (new Set(candidates).size !== n) throw new RangeError('candidate IDs must be unique');

  const d = counter.d.slice();
  const links = directLinks(d, n);
  const p = widestPaths(links, n);
  const beatenBy = beatenByCounts(p, n);
  const order = idOrder(candidates);
  const position = new Int32Array(n);
  order.forEach((x, i) => (position[x] = i));
  const ranking = rankGroups(beatenBy).map((group) => group.sort((x, y) => (position[x] ?? 0) - (position[y] ?? 0)));
  const { winners, ties, vacantSeats } = fillSeats(ranking, seats);

  const adjacent: [number, number][] = [];
  ranking.forEach((group, g) => {
    for (let i = 0; i < group.length; i++) {
      for (let j = i + 1; j < group.length; j++) adjacent.push([group[i] ?? 0, group[j] ?? 0]);
    }
    for (const x of group) for (const y of ranking[g + 1] ?? []) adjacent.push([x, y]);
  });
  const elected = new Set(winners);
  const others = ranking.flat().filter((x) => !elected.has(x));
  const versus = winners.flatMap((w) => others.map((x): [number, number] => [w, x]));
  // One call for both lists, so chains they share are searched for once.
  const compared = comparePairs(d, links, p, n, order, [...adjacent, ...versus]);

  return {
    candidates: [...candidates],
    seats,
    ballots: counter.ballots,
    d,
    p,
    beatenBy,
    ranking,
    winners,
    ties,
    vacantSeats,
    explanation: { adjacent: compared.slice(0, adjacent.length), winners: compared.slice(adjacent.length) },
  };
}

/** Whether candidate x beats candidate y in a result. */
export function beats(result: TallyResult, x: number, y: number): boolean {
  const n = result.candidates.length;
  return (result.p[x * n + y] ?? 0) > (result.p[y * n + x] ?? 0);
}
