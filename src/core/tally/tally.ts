// The whole count: from a filled pairwise matrix and the candidates' IDs to the
// ranking, the winners for the seats, the ties officers must break, and the reasons.
import { Explainer, type Comparison } from './explain.js';
import type { PairwiseCounter } from './pairwise.js';
import { beatenByCounts, directLinks, fillSeats, rankGroups, strongestPaths, type SeatTie } from './schulze.js';

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

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Counts the election. `seats` is the election's `no_winners`. */
export function tally(candidates: readonly string[], counter: PairwiseCounter, seats = 1): TallyResult {
  const n = candidates.length;
  if (n !== counter.size) throw new RangeError(`${n} candidate IDs for a count over ${counter.size} candidates`);
  if (!Number.isInteger(seats) || seats < 1) throw new RangeError(`the number of seats must be a whole number from 1, got ${seats}`);
  if (new Set(candidates).size !== n) throw new RangeError('candidate IDs must be unique');

  const d = counter.d.slice();
  const links = directLinks(d, n);
  const p = strongestPaths(d, n);
  const beatenBy = beatenByCounts(p, n);
  // A fixed order independent of input order: ties list members and explanations
  // pick among equally strong chains the same way however the columns were arranged.
  const order = Int32Array.from(candidates.keys()).sort((x, y) => compareIds(candidates[x] ?? '', candidates[y] ?? ''));
  const position = new Int32Array(n);
  order.forEach((x, i) => (position[x] = i));
  const ranking = rankGroups(beatenBy).map((group) => group.sort((x, y) => (position[x] ?? 0) - (position[y] ?? 0)));
  const { winners, ties, vacantSeats } = fillSeats(ranking, seats);

  const explainer = new Explainer(d, links, p, n, order);
  const adjacent: Comparison[] = [];
  ranking.forEach((group, g) => {
    for (let i = 0; i < group.length; i++) {
      for (let j = i + 1; j < group.length; j++) adjacent.push(explainer.compare(group[i] ?? 0, group[j] ?? 0));
    }
    for (const x of group) for (const y of ranking[g + 1] ?? []) adjacent.push(explainer.compare(x, y));
  });
  const elected = new Set(winners);
  const others = ranking.flat().filter((x) => !elected.has(x));
  const versus = winners.flatMap((w) => others.map((x) => explainer.compare(w, x)));

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
    explanation: { adjacent, winners: versus },
  };
}

/** Whether candidate x beats candidate y in a result. */
export function beats(result: TallyResult, x: number, y: number): boolean {
  const n = result.candidates.length;
  return (result.p[x * n + y] ?? 0) > (result.p[y * n + x] ?? 0);
}
